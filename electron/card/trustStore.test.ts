import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../policy/logger.js';
import { certificateRole, profileFromCertificate } from './cpsProfile.js';
import { defaultAnchorFolders, loadTrustStore } from './trustStore.js';
import { OID, nameAttribute, sameName, verifyCertificateSignature } from './x509.js';

// The real IGC-Santé CA certificates, read in place (never copied into the repository).
const FIXTURES = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../shared/fixtures/igc-sante');

describe('trust store on the real IGC-Santé CA certificates', () => {
  const store = loadTrustStore([FIXTURES], silentLogger);

  it('loads the 9 certificates and skips nothing', () => {
    expect(store.anchors).toHaveLength(9);
    expect(store.skipped).toEqual([]);
  });

  it('has the IGC-Santé subject layout', () => {
    const cns = store.anchors.map((c) => nameAttribute(c.subject, OID.commonName)).sort();
    expect(cns).toEqual([
      'AC IGC-SANTE ELEMENTAIRE ORGANISATIONS',
      'AC IGC-SANTE ELEMENTAIRE PERSONNES',
      'AC IGC-SANTE FORT ORGANISATIONS',
      'AC IGC-SANTE FORT PERSONNES',
      'AC IGC-SANTE STANDARD ORGANISATIONS',
      'AC IGC-SANTE STANDARD PERSONNES',
      'AC RACINE IGC-SANTE ELEMENTAIRE',
      'AC RACINE IGC-SANTE FORT',
      'AC RACINE IGC-SANTE STANDARD',
    ]);
    for (const cert of store.anchors) {
      expect(cert.subject.text).toMatch(/^C=FR, O=ASIP-SANTE, OU=0002 187512751, OU=IGC-SANTE, CN=AC /);
      expect(certificateRole(cert)).toBe('ca');
      expect(cert.keyUsage && [...cert.keyUsage].sort()).toEqual(['cRLSign', 'keyCertSign']);
      expect(cert.notAfter.getUTCFullYear()).toBe(2033);
      expect(profileFromCertificate(cert).idNat.kind).toBe('unknown');
    }
  });

  it('roots are self-signed; every intermediate chains to the root of its level', () => {
    const roots = store.anchors.filter((c) => c.selfIssued);
    expect(roots).toHaveLength(3);
    for (const root of roots) expect(verifyCertificateSignature(root, root)).toBe(true);
    const intermediates = store.anchors.filter((c) => !c.selfIssued);
    expect(intermediates).toHaveLength(6);
    for (const cert of intermediates) {
      const level = /AC IGC-SANTE (\w+) /.exec(nameAttribute(cert.subject, OID.commonName) ?? '')?.[1];
      const root = roots.find((r) => sameName(r.subject, cert.issuer));
      expect(nameAttribute(root?.subject ?? cert.subject, OID.commonName)).toBe(`AC RACINE IGC-SANTE ${level}`);
      expect(root && verifyCertificateSignature(cert, root)).toBe(true);
      expect(cert.basicConstraints).toEqual({ ca: true, pathLen: 0 });
      for (const other of roots.filter((r) => r !== root)) expect(verifyCertificateSignature(cert, other)).toBe(false);
    }
  });

  it('reads PEM files (several blocks), de-duplicates, and skips unreadable files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-coffre-'));
    const der = fs.readFileSync(path.join(FIXTURES, 'ACR_FORT_20130625.cer'));
    const der2 = fs.readFileSync(path.join(FIXTURES, 'AC_FORT_PERSONNES_20130625.cer'));
    const pem = (d: Buffer) => `-----BEGIN CERTIFICATE-----\n${d.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;
    fs.writeFileSync(path.join(dir, 'bundle.pem'), pem(der) + pem(der2));
    fs.writeFileSync(path.join(dir, 'dup.crt'), der);
    fs.writeFileSync(path.join(dir, 'broken.cer'), Buffer.from('not a certificate'));
    fs.writeFileSync(path.join(dir, 'readme.txt'), 'ignored');
    const s = loadTrustStore([dir, path.join(dir, 'missing')], silentLogger);
    expect(s.anchors).toHaveLength(2);
    expect(s.skipped).toEqual(['broken.cer']);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('defaults to the Cryptolib Coffre folder', () => {
    expect(defaultAnchorFolders('linux')).toEqual(['/etc/opt/santesocial/CPS/Coffre']);
    expect(defaultAnchorFolders('win32', { ProgramFiles: 'C:\\PF', 'ProgramFiles(x86)': 'C:\\PF86' })).toEqual(['C:\\PF\\santesocial\\CPS\\Coffre', 'C:\\PF86\\santesocial\\CPS\\Coffre']);
    expect(defaultAnchorFolders('darwin')).toHaveLength(1);
    expect(defaultAnchorFolders('aix')).toEqual([]);
  });
});
