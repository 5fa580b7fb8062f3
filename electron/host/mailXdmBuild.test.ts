import { describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import type { PatientRecord } from '../identity/patientRecord.js';
import { buildMessageXdm, LOCAL_PATIENT_ID_OID } from './mailXdmBuild.js';

const patient: PatientRecord = {
  id: 42,
  ins: null,
  traits: { birthName: 'EXEMPLE', firstNames: ['LUCIE'], sex: 'F', birthDate: '1961-05-02', birthPlace: null, usedName: null, usedFirstName: null },
  status: 'provisoire',
  version: 1,
  createdAt: 1,
  updatedAt: 1,
  mergedInto: null,
  insiAt: null,
  documentCheckedAt: null,
  documentKind: null,
};
const author = { idNat: '810100000017', lastName: 'HÉBERT', firstName: 'Jeanne' };
const pdfs = [{ filename: 'cr.pdf', content: Buffer.from('%PDF-1.4\n%%EOF\n') }];

async function entries(zip: Buffer): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const file = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.fromBuffer(zip, { lazyEntries: true }, (e, z) => (e ? reject(e) : resolve(z))));
  await new Promise<void>((resolve, reject) => {
    file.on('entry', (entry: yauzl.Entry) => {
      file.openReadStream(entry, (e, stream) => {
        if (e) return reject(e);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          out.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
          file.readEntry();
        });
      });
    });
    file.on('end', resolve);
    file.readEntry();
  });
  return out;
}

describe('IHE_XDM of a patient-linked message', () => {
  it('uses the defaults without settings, and the deployment structure OIDs and codes when given', async () => {
    const plain = await entries((await buildMessageXdm({ mode: 'production', patient, author, pdfs, appVersion: 't' })).zip);
    expect([...plain.values()].join('\n')).toContain(LOCAL_PATIENT_ID_OID);

    const settings = {
      localPatientIdOid: '1.2.250.1.999.1.1',
      sourceOid: '1.2.250.1.999.1.2',
      healthcareFacilityType: { code: 'SA05', scheme: '1.2.250.1.71.4.2.4', displayName: 'Centre de santé' },
    };
    const built = await buildMessageXdm({ mode: 'production', patient, author, pdfs, appVersion: 't', settings });
    const files = await entries(built.zip);
    const metadata = files.get('IHE_XDM/SUBSET01/METADATA.XML') ?? '';
    const all = [...files.values()].join('\n');
    expect(metadata).toContain('1.2.250.1.999.1.2');
    expect(metadata).toContain('SA05');
    expect(all).toContain('42^^^&amp;1.2.250.1.999.1.1&amp;ISO');
    expect(all).not.toContain(LOCAL_PATIENT_ID_OID);
    expect(built.headers['X-MSS-INS']).toBe('N');
  });
});
