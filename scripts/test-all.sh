#!/usr/bin/env bash
# Runs every check Caducée has, from a fresh machine: Debian packages for the test peers (as
# root on Debian/Ubuntu; elsewhere it says what to install), npm dependencies, build, types,
# lint, unit + integration + end-to-end tests, and the Electron security scan.
# This is the README's test command and exactly what .ci/run executes.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests need: Chromium (e2e), SoftHSM2 + OpenSC (the test CPS card),
# libxml2-utils (xmllint, XSD checks), Dovecot + Postfix (the test MSSanté operator; never
# started as system services: the tests run their own instances on loopback).
DEB_PACKAGES=(chromium softhsm2 opensc libxml2-utils dovecot-imapd dovecot-lmtpd postfix)

missing=()
for pkg in "${DEB_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== Paquets Debian : installation de ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "Paquets manquants : ${missing[*]}" >&2
    echo "Installez-les (Debian/Ubuntu : sudo apt-get install ${missing[*]}) puis relancez." >&2
    exit 1
  fi
fi

# npm ci only when the lock file changed since the last install (it wipes node_modules).
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.caducee-lock-hash 2>/dev/null)" != "$lock_hash" ]; then
  echo "== npm ci"
  npm ci --no-audit --no-fund
  echo "$lock_hash" > node_modules/.caducee-lock-hash
fi

mkdir -p test-results
echo "== build";            npm run --silent build
echo "== types";            npm run --silent typecheck
echo "== lint";             npm run --silent lint
echo "== electronegativity"; npm run --silent electronegativity
echo "== tests (unit, integration, e2e)"
set +e
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json
status=$?
set -e
node -e '
  const r = JSON.parse(require("fs").readFileSync("test-results/vitest.json", "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
'
exit "$status"
