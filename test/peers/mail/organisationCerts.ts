import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { generateRsaKey, issueCertificate, type IssuedCertificate, type SubjectAttribute } from '../../../electron/card/pkiBuilder.js';

/**
 * Client certificates of organisation mailboxes (STANDARDS.md §3, CONF.27: IGC-Santé
 * « Élémentaire Organisation » software certificates), from a test chain with IGC-Santé's
 * subject layout, marked TEST: root `AC RACINE IGC-SANTE ELEMENTAIRE TEST` → intermediate
 * `AC IGC-SANTE ELEMENTAIRE ORGANISATIONS TEST` → one certificate per mailbox, CN = the
 * mailbox address (what the operator reads as the user name).
 *
 * Variants for the refusal tests: `expired` (notAfter yesterday, same chain) and `foreign-ca`
 * (a look-alike « AUTRE AC » chain the operator does not trust).
 */
export type OrganisationCertVariant = 'valid' | 'expired' | 'foreign-ca';

export interface OrganisationCertificate {
  readonly address: string;
  readonly variant: OrganisationCertVariant;
  readonly certPem: string;
  /** PKCS#1 PEM, unencrypted: a test key, never a real one. */
  readonly keyPem: string;
  readonly certFile: string;
  readonly keyFile: string;
}

export interface OrganisationPki {
  /** Intermediate then root, PEM: what the operator trusts for client certificates. */
  readonly caBundleFile: string;
  issue(address: string, variant?: OrganisationCertVariant): OrganisationCertificate;
}

const DAY = 86_400_000;

function caSubject(cn: string, o = 'ASIP-SANTE TEST'): SubjectAttribute[] {
  return [
    { name: 'C', value: 'FR' },
    { name: 'O', value: o },
    { name: 'OU', value: '0002 187512751' },
    { name: 'OU', value: 'IGC-SANTE' },
    { name: 'CN', value: cn },
  ];
}

interface Chain {
  readonly root: IssuedCertificate;
  readonly intermediate: IssuedCertificate;
}

function chain(rootCn: string, intermediateCn: string, o?: string): Chain {
  const now = Date.now();
  const notBefore = new Date(now - 365 * DAY);
  const root = issueCertificate({ subject: caSubject(rootCn, o), key: generateRsaKey(2048), notBefore, notAfter: new Date(now + 10 * 365 * DAY), ca: {} });
  const intermediate = issueCertificate({
    subject: caSubject(intermediateCn, o),
    key: generateRsaKey(2048),
    issuer: root,
    notBefore,
    notAfter: new Date(now + 9 * 365 * DAY),
    ca: { pathLen: 0 },
  });
  return { root, intermediate };
}

// RSA keys cost ~100 ms each: one set of chains per test process is enough.
let chains: { trusted: Chain; foreign: Chain; leafKey: ReturnType<typeof generateRsaKey> } | undefined;

export function createOrganisationPki(dir: string): OrganisationPki {
  chains ??= {
    trusted: chain('AC RACINE IGC-SANTE ELEMENTAIRE TEST', 'AC IGC-SANTE ELEMENTAIRE ORGANISATIONS TEST'),
    foreign: chain('AUTRE AC RACINE TEST', 'AUTRE AC ORGANISATIONS TEST', 'AUTRE ORGANISME TEST'),
    leafKey: generateRsaKey(2048),
  };
  const { trusted, foreign, leafKey } = chains;
  fs.mkdirSync(dir, { recursive: true });
  const caBundleFile = path.join(dir, 'organisation-ca.pem');
  fs.writeFileSync(caBundleFile, trusted.intermediate.pem + trusted.root.pem);
  fs.chmodSync(caBundleFile, 0o644);
  return {
    caBundleFile,
    issue(address, variant = 'valid') {
      const now = Date.now();
      const issuer = variant === 'foreign-ca' ? foreign.intermediate : trusted.intermediate;
      const notAfter = variant === 'expired' ? new Date(now - DAY) : new Date(now + 3 * 365 * DAY);
      const cert = issueCertificate({
        subject: [
          { name: 'C', value: 'FR' },
          { name: 'O', value: 'CENTRE DE SANTE TEST' },
          { name: 'OU', value: '499999999' },
          { name: 'CN', value: address },
        ],
        key: leafKey,
        issuer,
        notBefore: new Date(now - 2 * 365 * DAY),
        notAfter,
        keyUsage: ['digitalSignature', 'keyEncipherment'],
        extKeyUsage: ['clientAuth'],
      });
      const base = path.join(dir, `${address.replace(/[^\w.@-]/g, '_')}-${variant}-${crypto.randomBytes(3).toString('hex')}`);
      fs.writeFileSync(`${base}.pem`, cert.pem);
      fs.writeFileSync(`${base}.key`, leafKey.privatePem, { mode: 0o600 });
      return { address, variant, certPem: cert.pem, keyPem: leafKey.privatePem, certFile: `${base}.pem`, keyFile: `${base}.key` };
    },
  };
}
