import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  buildCrl,
  derToPem,
  generateRsaKey,
  issueCertificate,
  type IssuedCertificate,
  type PkiKey,
  type SubjectAttribute,
} from '../../../electron/card/pkiBuilder.js';

/**
 * A SoftHSM2 token shaped like a CPS card, in a fresh folder, for the integration tests.
 *
 *   const card = await createTestCard(dir, 'valid');
 *   process.env.SOFTHSM2_CONF = card.softhsmConf; // before C_Initialize
 *   createPkcs11Provider({ modulePath: card.modulePath, … })
 *
 * The token holds, like a CPS: the authentication pair (CKA_ID 01) and the signature pair
 * (CKA_ID 02) — RSA 2048 private keys imported sensitive and non-extractable, with their
 * X.509 certificates — the test intermediate CA certificate (no key), and CPS_* data objects
 * (CPS_ID_CARD, CPS_NAME_PS public; CPS_ACTIVITY_01_PS private). Labels are CPS_AUTH /
 * CPS_SIGN but the code under test must not rely on them.
 *
 * The chain copies IGC-Santé's subject layout, marked TEST everywhere (O=ASIP-SANTE TEST,
 * CN suffix " TEST"). Trust anchors go to `<dir>/Coffre/` (root DER .cer, intermediate PEM),
 * the intermediate's CRL to `<dir>/crl/`.
 *
 * Variants: valid · expired (auth certificate notAfter yesterday) · foreign-ca (issued by an
 * unrelated "AUTRE AC TEST" chain, not in Coffre) · revoked (auth certificate listed in the
 * intermediate's CRL) · wrong-key-usage (auth certificate with keyEncipherment only: no
 * digitalSignature).
 *
 * Calling createTestCard twice on the same `dir` adds a second token (a second slot) under
 * the same SOFTHSM2_CONF. Keys and CA certificates are generated once per process and reused.
 *
 * Runnable by hand too: `npx tsx test/peers/softhsm/createTestCard.ts <dir> [variant]`.
 */

export type TestCardVariant = 'valid' | 'expired' | 'foreign-ca' | 'revoked' | 'wrong-key-usage';
export const TEST_CARD_VARIANTS: readonly TestCardVariant[] = ['valid', 'expired', 'foreign-ca', 'revoked', 'wrong-key-usage'];

export interface TestCard {
  readonly dir: string;
  readonly modulePath: string;
  /** Value for the SOFTHSM2_CONF environment variable. */
  readonly softhsmConf: string;
  readonly tokenDir: string;
  /** This token's own folder inside tokenDir (move it away to "pull" the card). */
  readonly tokenPath: string;
  readonly tokenLabel: string;
  readonly tokenSerial: string;
  readonly pin: '1234';
  readonly soPin: '12345678';
  readonly variant: TestCardVariant;
  readonly rpps: string;
  readonly auth: IssuedCertificate;
  readonly sign: IssuedCertificate;
  readonly root: IssuedCertificate;
  readonly intermediate: IssuedCertificate;
  /** Folder of trust anchors, like the Cryptolib's Coffre/. */
  readonly anchorsDir: string;
  /** CRL of the test intermediate (DER). */
  readonly crlPath: string;
  readonly dataObjects: Readonly<Record<string, Buffer>>;
}

export const SOFTHSM_MISSING = 'softhsm2 absent: apt-get install softhsm2 opensc';

const MODULE_CANDIDATES = [
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/local/lib/softhsm/libsofthsm2.so',
  '/usr/lib64/pkcs11/libsofthsm2.so',
];

function which(command: string): boolean {
  return (process.env['PATH'] ?? '').split(path.delimiter).some((dir) => dir && fs.existsSync(path.join(dir, command)));
}

/** The SoftHSM2 module path, or an Error saying what to install. */
export function findSoftHsm(): string {
  const fromEnv = process.env['SOFTHSM2_MODULE'];
  const module = fromEnv && fs.existsSync(fromEnv) ? fromEnv : MODULE_CANDIDATES.find((p) => fs.existsSync(p));
  if (!module || !which('softhsm2-util') || !which('pkcs11-tool')) throw new Error(SOFTHSM_MISSING);
  return module;
}

const DAY = 86_400_000;
const TEST_O = 'ASIP-SANTE TEST';

function caSubject(cn: string, o = TEST_O): SubjectAttribute[] {
  return [
    { name: 'C', value: 'FR' },
    { name: 'O', value: o },
    { name: 'OU', value: '0002 187512751' },
    { name: 'OU', value: 'IGC-SANTE' },
    { name: 'CN', value: cn },
  ];
}

interface TestPki {
  root: IssuedCertificate;
  intermediate: IssuedCertificate;
  foreignRoot: IssuedCertificate;
  foreignIntermediate: IssuedCertificate;
  authKey: PkiKey;
  signKey: PkiKey;
}

let pki: TestPki | undefined;

/** The test chains, built once per process (RSA key generation is the slow part). */
export function testPki(): TestPki {
  if (pki) return pki;
  const now = Date.now();
  const notBefore = new Date(now - 365 * DAY);
  const notAfter = new Date(now + 10 * 365 * DAY);
  const rootKey = generateRsaKey(2048);
  const root = issueCertificate({ subject: caSubject('AC RACINE IGC-SANTE FORT TEST'), key: rootKey, notBefore, notAfter, ca: {} });
  const intermediate = issueCertificate({
    subject: caSubject('AC IGC-SANTE FORT PERSONNES TEST'),
    key: generateRsaKey(2048),
    issuer: root,
    notBefore,
    notAfter: new Date(now + 9 * 365 * DAY),
    ca: { pathLen: 0 },
  });
  const foreignRoot = issueCertificate({ subject: caSubject('AUTRE AC RACINE TEST', 'AUTRE ORGANISME TEST'), key: generateRsaKey(2048), notBefore, notAfter, ca: {} });
  const foreignIntermediate = issueCertificate({
    subject: caSubject('AUTRE AC PERSONNES TEST', 'AUTRE ORGANISME TEST'),
    key: generateRsaKey(2048),
    issuer: foreignRoot,
    notBefore,
    notAfter,
    ca: { pathLen: 0 },
  });
  pki = { root, intermediate, foreignRoot, foreignIntermediate, authKey: generateRsaKey(2048), signKey: generateRsaKey(2048) };
  return pki;
}

export interface PractitionerOptions {
  readonly rpps?: string;
  readonly lastName?: string;
  readonly firstName?: string;
  readonly profession?: string;
}

export function practitionerSubject(options: PractitionerOptions = {}): SubjectAttribute[] {
  return [
    { name: 'C', value: 'FR' },
    { name: 'title', value: options.profession ?? 'Médecin' },
    { name: 'CN', value: `8${options.rpps ?? '10100000017'}` },
    { name: 'SN', value: options.lastName ?? 'HÉBERT-TEST' },
    { name: 'GN', value: options.firstName ?? 'Jeanne' },
  ];
}

/** The two practitioner certificates of a variant (no token involved). */
export function issueVariantCertificates(
  variant: TestCardVariant,
  practitioner: PractitionerOptions = {},
  keys?: { readonly authKey: PkiKey; readonly signKey: PkiKey },
): { auth: IssuedCertificate; sign: IssuedCertificate; issuer: IssuedCertificate } {
  const p = { ...testPki(), ...keys };
  const now = Date.now();
  const issuer = variant === 'foreign-ca' ? p.foreignIntermediate : p.intermediate;
  const subject = practitionerSubject(practitioner);
  const notBefore = variant === 'expired' ? new Date(now - 3 * 365 * DAY) : new Date(now - 30 * DAY);
  const authNotAfter = variant === 'expired' ? new Date(now - DAY) : new Date(now + 3 * 365 * DAY);
  const crlUrl = 'http://igc-sante.test.invalid/crl/AC_IGC-SANTE_FORT_PERSONNES_TEST.crl';
  const auth = issueCertificate({
    subject,
    key: p.authKey,
    issuer,
    notBefore,
    notAfter: authNotAfter,
    keyUsage: variant === 'wrong-key-usage' ? ['keyEncipherment'] : ['digitalSignature', 'keyEncipherment'],
    extKeyUsage: ['clientAuth'],
    crlUrl,
  });
  const sign = issueCertificate({
    subject,
    key: p.signKey,
    issuer,
    notBefore,
    notAfter: new Date(now + 3 * 365 * DAY),
    keyUsage: ['nonRepudiation'],
    crlUrl,
  });
  return { auth, sign, issuer };
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): string {
  try {
    return execFileSync(command, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${command} ${args.filter((a) => !/^\d{4,8}$/.test(a)).join(' ')} failed: ${e.stderr ?? ''}${e.stdout ?? ''}${e.message}`, { cause: error });
  }
}

export interface CreateTestCardOptions {
  readonly tokenLabel?: string;
  readonly practitioner?: PractitionerOptions;
  /** New key pairs for this card (a renewed card of the same practitioner); default: the shared ones. */
  readonly freshKeys?: boolean;
}

export async function createTestCard(dir: string, variant: TestCardVariant = 'valid', options: CreateTestCardOptions = {}): Promise<TestCard> {
  const modulePath = findSoftHsm();
  fs.mkdirSync(dir, { recursive: true });
  const tokenDir = path.join(dir, 'tokens');
  fs.mkdirSync(tokenDir, { recursive: true });
  const softhsmConf = path.join(dir, 'softhsm2.conf');
  if (!fs.existsSync(softhsmConf)) {
    fs.writeFileSync(softhsmConf, `directories.tokendir = ${tokenDir}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = true\n`);
  }
  const env = { ...process.env, SOFTHSM2_CONF: softhsmConf };
  const p = testPki();
  const practitioner = options.practitioner ?? {};
  const rpps = practitioner.rpps ?? '10100000017';
  const keys = options.freshKeys ? { authKey: generateRsaKey(2048), signKey: generateRsaKey(2048) } : undefined;
  const { auth, sign } = issueVariantCertificates(variant, practitioner, keys);

  // Trust anchors (the Coffre) and the intermediate's CRL: the same for every variant.
  const anchorsDir = path.join(dir, 'Coffre');
  fs.mkdirSync(anchorsDir, { recursive: true });
  fs.writeFileSync(path.join(anchorsDir, 'ACR_FORT_TEST.cer'), p.root.der);
  fs.writeFileSync(path.join(anchorsDir, 'AC_FORT_PERSONNES_TEST.pem'), p.intermediate.pem);
  const crlDir = path.join(dir, 'crl');
  fs.mkdirSync(crlDir, { recursive: true });
  const crlPath = path.join(crlDir, `AC_IGC-SANTE_FORT_PERSONNES_TEST-${variant}.crl`);
  const now = Date.now();
  fs.writeFileSync(
    crlPath,
    buildCrl({
      issuerDer: p.intermediate.der,
      issuerKey: p.intermediate.key,
      revoked: variant === 'revoked' ? [{ serialHex: auth.serialHex, date: new Date(now - DAY) }] : [],
      thisUpdate: new Date(now - 3_600_000),
      nextUpdate: new Date(now + 7 * DAY),
    }),
  );

  const tokenLabel = options.tokenLabel ?? `CPS TEST ${variant}`.slice(0, 32);
  const before = new Set(fs.readdirSync(tokenDir));
  run('softhsm2-util', ['--init-token', '--free', '--label', tokenLabel, '--so-pin', '12345678', '--pin', '1234'], env);
  const created = fs.readdirSync(tokenDir).filter((entry) => !before.has(entry));
  const tokenFolder = created[0];
  if (created.length !== 1 || !tokenFolder) throw new Error(`token folder not found after init (${created.length})`);
  const tokenPath = path.join(tokenDir, tokenFolder);
  const tokenSerial = tokenFolder.replace(/-/g, '').slice(-16);

  const work = fs.mkdtempSync(path.join(dir, 'import-'));
  const write = (args: string[]) => run('pkcs11-tool', ['--module', modulePath, '--token-label', tokenLabel, '--login', '--pin', '1234', ...args], env);
  const file = (name: string, content: Buffer | string) => {
    const f = path.join(work, name);
    fs.writeFileSync(f, content, { mode: 0o600 });
    return f;
  };
  write(['--write-object', file('auth.key', auth.key.privatePem), '--type', 'privkey', '--id', '01', '--label', 'CPS_AUTH', '--usage-sign', '--usage-decrypt']);
  write(['--write-object', file('auth.der', auth.der), '--type', 'cert', '--id', '01', '--label', 'CPS_AUTH']);
  write(['--write-object', file('sign.key', sign.key.privatePem), '--type', 'privkey', '--id', '02', '--label', 'CPS_SIGN', '--usage-sign']);
  write(['--write-object', file('sign.der', sign.der), '--type', 'cert', '--id', '02', '--label', 'CPS_SIGN']);
  write(['--write-object', file('ca.der', (variant === 'foreign-ca' ? p.foreignIntermediate : p.intermediate).der), '--type', 'cert', '--id', 'a0', '--label', 'CPS_CA']);
  const dataObjects: Record<string, Buffer> = {
    CPS_ID_CARD: Buffer.from('3010800102810b3130313030303030303137', 'hex'),
    CPS_NAME_PS: Buffer.from('300f0c0b484542455254205445535400', 'hex'),
    CPS_ACTIVITY_01_PS: Buffer.from('3006020101020100', 'hex'),
  };
  write(['--write-object', file('id.bin', dataObjects['CPS_ID_CARD'] as Buffer), '--type', 'data', '--label', 'CPS_ID_CARD']);
  write(['--write-object', file('name.bin', dataObjects['CPS_NAME_PS'] as Buffer), '--type', 'data', '--label', 'CPS_NAME_PS']);
  write(['--write-object', file('act.bin', dataObjects['CPS_ACTIVITY_01_PS'] as Buffer), '--type', 'data', '--label', 'CPS_ACTIVITY_01_PS', '--private']);
  fs.rmSync(work, { recursive: true, force: true });

  return {
    dir,
    modulePath,
    softhsmConf,
    tokenDir,
    tokenPath,
    tokenLabel,
    tokenSerial,
    pin: '1234',
    soPin: '12345678',
    variant,
    rpps,
    auth,
    sign,
    root: p.root,
    intermediate: p.intermediate,
    anchorsDir,
    crlPath,
    dataObjects,
  };
}

/**
 * Where a pulled token waits: OUTSIDE SoftHSM2's token directory, or the next C_Initialize
 * (rescan) would find it again under its new name and the card would "come back" by itself.
 */
function pulledPath(card: TestCard): string {
  return path.join(card.dir, `pulled-${path.basename(card.tokenPath)}`);
}

/** "Pulls" a SoftHSM2 card: moves its token folder out of the token directory. */
export function pullToken(card: TestCard): void {
  fs.renameSync(card.tokenPath, pulledPath(card));
}

/** Puts a pulled token back. SoftHSM2 sees it again only after C_Finalize + C_Initialize. */
export function reinsertToken(card: TestCard): void {
  fs.renameSync(pulledPath(card), card.tokenPath);
}

export { derToPem };

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const [dir, variant] = process.argv.slice(2);
  if (!dir) {
    console.error('usage: npx tsx test/peers/softhsm/createTestCard.ts <dir> [valid|expired|foreign-ca|revoked|wrong-key-usage]');
    process.exit(2);
  }
  const card = await createTestCard(path.resolve(dir), (variant ?? 'valid') as TestCardVariant);
  console.log(`SOFTHSM2_CONF=${card.softhsmConf}\nmodule=${card.modulePath}\ntoken=${card.tokenLabel} (PIN 1234, SO PIN 12345678)\nanchors=${card.anchorsDir}\ncrl=${card.crlPath}`);
}
