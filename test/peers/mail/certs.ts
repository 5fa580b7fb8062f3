import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface TestTls {
  /** The test CA, PEM: what the client trusts (the operator's CA setting). */
  readonly caPem: string;
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    throw new Error(`openssl ${args[0]} failed (apt-get install openssl): ${(error as Error).message}`, { cause: error });
  }
}

/**
 * A test CA and a server certificate for 127.0.0.1/localhost, made with the openssl CLI.
 * P-256 keys: generated in milliseconds, so every server start can have its own chain.
 */
export function createTestTls(dir: string): TestTls {
  fs.mkdirSync(dir, { recursive: true });
  const ext = path.join(dir, 'server.ext');
  fs.writeFileSync(ext, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature\nbasicConstraints=CA:FALSE\n');
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30', '-subj', '/O=Caducee TEST/CN=AC Messagerie TEST', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/O=Caducee TEST/CN=localhost'], dir);
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '30', '-extfile', ext], dir);
  // Dovecot's login processes and Postfix's smtpd read these after dropping privileges.
  fs.chmodSync(path.join(dir, 'server.key'), 0o644);
  return { caPem: fs.readFileSync(path.join(dir, 'ca.pem'), 'utf8'), caFile: path.join(dir, 'ca.pem'), certFile: path.join(dir, 'server.pem'), keyFile: path.join(dir, 'server.key') };
}
