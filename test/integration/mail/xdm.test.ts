import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { incomingFromXdmMetadata } from '../../../electron/identity/incomingIdentity.js';
import { parseInsiResponse } from '../../../electron/identity/insiAnswer.js';
import { ECETINSI, fixture, testRegistry } from '../../../electron/identity/testSupport.js';
import { buildXdm, xdmPatientFromRecord, type BuildXdmInput, type XdmPatientInput } from '../../../electron/mail/xdm/buildXdm.js';
import { matchXdm, readXdm, type XdmLimits } from '../../../electron/mail/xdm/readXdm.js';
import { INS_ECETINSI, testCda } from '../../../electron/mail/xdm/testCda.js';
import { XdmError } from '../../../electron/mail/xdm/xdmErrors.js';

/**
 * IHE_XDM.ZIP: built for a patient-linked CDA (validated against the official ebRS lcm.xsd with
 * xmllint), read back and matched through the patient registry over a real vault; hostile
 * archives refused, each with its own code.
 */
/** Helpers for the XDM tests: archives built with yazl, then patched byte by byte. */

async function zipOf(files: readonly { name: string; data: Buffer | string; mode?: number; store?: boolean }[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const f of files) zip.addBuffer(Buffer.isBuffer(f.data) ? f.data : Buffer.from(f.data, 'utf8'), f.name, { ...(f.mode === undefined ? {} : { mode: f.mode }), compress: f.store !== true });
  zip.end();
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  zip.outputStream.pipe(sink);
  for await (const c of sink) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Replaces every occurrence of `from` by `to` (same length: names in local and central headers). */
function patchBytes(zip: Buffer, from: string, to: string): Buffer {
  const a = Buffer.from(from, 'latin1');
  const b = Buffer.from(to, 'latin1');
  if (a.length !== b.length) throw new Error('same length only');
  const out = Buffer.from(zip);
  let at = out.indexOf(a);
  if (at < 0) throw new Error(`not found: ${from}`);
  while (at >= 0) {
    b.copy(out, at);
    at = out.indexOf(a, at + 1);
  }
  return out;
}

/** Offsets of the central directory headers (signature PK\1\2). */
function centralHeaders(zip: Buffer): number[] {
  const offsets: number[] = [];
  for (let i = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); i >= 0; i = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), i + 1)) offsets.push(i);
  return offsets;
}

/** Rewrites a central directory field of the entry named `name`. */
function patchCentral(zip: Buffer, name: string, patch: { flags?: number; uncompressedSize?: number }): Buffer {
  const out = Buffer.from(zip);
  for (const at of centralHeaders(out)) {
    const len = out.readUInt16LE(at + 28);
    if (out.subarray(at + 46, at + 46 + len).toString('latin1') !== name) continue;
    if (patch.flags !== undefined) out.writeUInt16LE(out.readUInt16LE(at + 8) | patch.flags, at + 8);
    if (patch.uncompressedSize !== undefined) out.writeUInt32LE(patch.uncompressedSize, at + 24);
    return out;
  }
  throw new Error(`no central header for ${name}`);
}

function buildInput(patient: XdmPatientInput, documents: readonly Buffer[] = [testCda()]): BuildXdmInput {
  return {
    mode: 'production',
    patient,
    author: {
      idNat: '810012345678',
      family: 'MEDECIN',
      given: 'Jeanne',
      specialty: { code: 'SM26', scheme: '1.2.250.1.71.4.2.5', displayName: 'Qualifié en médecine générale' },
      institution: { name: 'Cabinet du Parc', id: '3123456789' },
    },
    documents: documents.map((c) => ({
      cda: c,
      classCode: { code: '11', scheme: '1.2.250.1.213.1.1.4.1', displayName: 'Compte rendu' },
      healthcareFacilityType: { code: 'SA07', scheme: '1.2.250.1.71.4.2.4', displayName: 'Cabinet individuel' },
      practiceSetting: { code: 'AMBULATOIRE', scheme: '1.2.250.1.213.1.1.4.9', displayName: 'Ambulatoire' },
    })),
    sourceId: '1.2.250.1.999.1',
    contentType: { code: '04', scheme: '1.2.250.1.213.2.2', displayName: 'Hospitalisation de jour' },
    vendor: { name: 'Caducée SAS', product: 'Caducée', version: '0.1.0', contact: 'support@example.invalid' },
    now: new Date('2026-11-28T10:20:00Z'),
  };
}

const run = promisify(execFile);
const SCHEMAS = path.resolve(process.cwd(), '../shared/fixtures/xds-schemas');

/** xmllint against the official ebRS lcm.xsd, offline, with the fixtures' catalog. */
async function xmllint(xml: string): Promise<{ ok: boolean; stderr: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xdm-'));
  try {
    const file = path.join(dir, 'METADATA.XML');
    fs.writeFileSync(file, xml);
    const out = await run('xmllint', ['--nonet', '--noout', '--schema', path.join(SCHEMAS, 'schema/ebRS/lcm.xsd'), file], {
      env: { ...process.env, XML_CATALOG_FILES: path.join(SCHEMAS, 'catalog.xml') },
    }).then(
      (r) => ({ ok: /validates/.test(r.stderr), stderr: r.stderr }),
      (e: { stderr?: string }) => ({ ok: false, stderr: e.stderr ?? '' }),
    );
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function qualifiedPatient() {
  const t = testRegistry();
  const p = await t.registry.create({ traits: ECETINSI });
  const r = await t.registry.recordInsiResult(p.id, p.version, parseInsiResponse(fixture('padoa+tlsi-ins/TEST_2.04_cas2.xml'), 'recherche', Date.now()));
  const q = await t.registry.recordDocumentCheck(r.id, r.version, 'passeport');
  expect(q).toMatchObject({ status: 'qualifiee', ins: { matricule: '1090763220834', key: '89' } });
  return { ...t, patient: q };
}

const refusal = async (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'accepted',
    (e: unknown) => {
      if (!(e instanceof XdmError)) throw e;
      expect(e.userMessage).toMatch(/[a-zé]/);
      return e.code;
    },
  );

describe('building an IHE_XDM.ZIP', () => {
  it('writes a METADATA.XML that validates against the official ebRS lcm.xsd', async () => {
    const { patient } = await qualifiedPatient();
    const built = await buildXdm(buildInput(xdmPatientFromRecord(patient), [testCda(), testCda({ code: '34133-9', id: '1.2.250.1.999.1.1.20261128.2' })]));
    expect(await xmllint(built.metadataXml)).toMatchObject({ ok: true });
    // The check has teeth: a Slot after the Classifications is refused by the schema.
    const creation = /<rim:Slot name="creationTime">[\s\S]*?<\/rim:Slot>/.exec(built.metadataXml)?.[0] ?? 'missing';
    const misordered = built.metadataXml.replace(creation, '').replace('</rim:ExtrinsicObject>', `${creation}</rim:ExtrinsicObject>`);
    expect(await xmllint(misordered)).toMatchObject({ ok: false });
    expect(built.headers).toEqual({ 'X-MSS-CODECDA': '11502-2,34133-9', 'X-MSS-INS': 'O' });
    expect(built.metadataXml).toContain('109076322083489^^^&amp;1.2.250.1.213.1.4.8&amp;ISO^NH');
    expect(built.metadataXml).toContain('nodeRepresentation="urn:ihe:iti:xds-sd:pdf:2008"');
    // ebRIM 3.0 order inside the document entry: Slots, Name, Classifications, ExternalIdentifiers.
    const entry = /<rim:ExtrinsicObject[\s\S]*?<\/rim:ExtrinsicObject>/.exec(built.metadataXml)?.[0] ?? '';
    const own = entry.replace(/<rim:Classification [\s\S]*?<\/rim:Classification>/g, '<C/>').replace(/<rim:ExternalIdentifier [\s\S]*?<\/rim:ExternalIdentifier>/g, '<X/>');
    expect(own.lastIndexOf('<rim:Slot')).toBeLessThan(own.indexOf('<rim:Name'));
    expect(own.lastIndexOf('<C/>')).toBeLessThan(own.indexOf('<X/>'));
    expect(own.lastIndexOf('<rim:Slot')).toBeLessThan(own.indexOf('<C/>'));
  });

  it('round trip: the archive read back gives the same patient, documents, hashes, and attaches to the qualified patient', async () => {
    const { patient, store } = await qualifiedPatient();
    const doc = testCda();
    const built = await buildXdm(buildInput(xdmPatientFromRecord(patient), [doc]));
    const xdm = await readXdm(built.zip);
    expect(xdm.subsets.map((s) => s.folder)).toEqual(['IHE_XDM/SUBSET01']);
    const [d] = xdm.documents;
    expect(d?.bytes.equals(doc)).toBe(true);
    expect(d).toMatchObject({
      path: 'IHE_XDM/SUBSET01/DOC0001.XML',
      mimeType: 'text/xml',
      uniqueId: '1.2.250.1.999.1.1.20261128.1',
      title: 'Compte rendu d\u2019examens biologiques & commentaires'.replace('\u2019', "'"),
      hash: built.documents[0]?.hash,
      size: doc.length,
      typeCode: { code: '11502-2', scheme: '2.16.840.1.113883.6.1' },
      formatCode: { code: 'urn:ihe:iti:xds-sd:pdf:2008' },
      identity: { ins: INS_ECETINSI, birthName: 'ECETINSI', firstNames: ['PIERRE-ALAIN', 'MURIEL', 'FLORIANT'], sex: 'M', birthDate: '2009-07-14', birthPlace: '63220' },
    });
    // The identity layer's own reader agrees with ours.
    expect(incomingFromXdmMetadata(xdm.subsets[0]?.metadataXml ?? '')).toEqual(d?.identity);
    expect(await matchXdm(store, xdm, 'production')).toMatchObject({ decision: 'attach', patientId: patient.id });
    // Already attached elsewhere: never moved silently.
    expect((await matchXdm(store, xdm, 'production', patient.id + 1000)).decision).toBe('ask-user');
  });

  it('never puts a non-qualified INS in the archive', async () => {
    const { registry, store } = testRegistry();
    const p = await registry.create({ traits: ECETINSI, ins: INS_ECETINSI });
    expect(p.status).toBe('provisoire');
    const asIs = xdmPatientFromRecord(p);
    expect(asIs).toMatchObject({ ins: null, insQualified: false });
    expect(await refusal(buildXdm(buildInput({ ...asIs, ins: INS_ECETINSI })))).toBe('ins-not-qualified');
    expect(await refusal(buildXdm(buildInput(asIs)))).toBe('no-patient-id');
    const local = xdmPatientFromRecord(p, { value: 'IPP-42', oid: '1.2.250.1.999.9' });
    // The CDA itself carries the INS: refused too.
    expect(await refusal(buildXdm(buildInput(local)))).toBe('ins-not-qualified');
    const built = await buildXdm(buildInput(local, [testCda({ ins: null })]));
    expect(built.headers).toEqual({ 'X-MSS-CODECDA': '11502-2', 'X-MSS-INS': 'N' });
    expect(built.metadataXml).not.toContain('109076322083489');
    const xdm = await readXdm(built.zip);
    expect(xdm.documents[0]?.patientId).toBe('IPP-42^^^&1.2.250.1.999.9&ISO^PI');
    // Traits alone never attach.
    expect((await matchXdm(store, xdm, 'production')).decision).toBe('ask-user');
  });

  it('refuses another patient’s CDA, a bad INS key and a test INS in production', async () => {
    const { patient } = await qualifiedPatient();
    const input = xdmPatientFromRecord(patient);
    expect(await refusal(buildXdm(buildInput(input, [testCda({ ins: { value: '279035121518989', oid: '1.2.250.1.213.1.4.8' } })])))).toBe('patient-mismatch');
    expect(await refusal(buildXdm(buildInput({ ...input, ins: { value: '109076322083488', oid: '1.2.250.1.213.1.4.8' } })))).toBe('ins-invalid');
    expect(await refusal(buildXdm(buildInput({ ...input, ins: { value: '109076322083489', oid: '1.2.250.1.213.1.4.10' } })))).toBe('ins-invalid');
    expect(await refusal(buildXdm(buildInput(input, [Buffer.from('<!DOCTYPE x [<!ENTITY a "b">]><ClinicalDocument/>')])))).toBe('bad-document');
  });
});

describe('reading hostile IHE_XDM.ZIP archives', () => {
  const metadata = async () => (await buildXdm(buildInput(xdmPatientFromRecord((await qualifiedPatient()).patient)))).metadataXml;
  const small: Partial<XdmLimits> = { maxEntries: 10, maxEntryBytes: 1024 * 1024, maxTotalBytes: 2 * 1024 * 1024, maxRatio: 100 };

  it('not a zip', async () => {
    expect(await refusal(readXdm(randomBytes(2000)))).toBe('not-a-zip');
    expect(await refusal(readXdm(Buffer.alloc(0)))).toBe('not-a-zip');
  });

  it('path traversal, absolute paths, backslashes, drive letters, symlinks', async () => {
    const base = await zipOf([{ name: 'AA/AA/evil.txt', data: 'x' }]);
    expect(await refusal(readXdm(patchBytes(base, 'AA/AA/', '../../')))).toBe('traversal');
    expect(await refusal(readXdm(patchBytes(base, 'AA/AA/', '/etc//')))).toBe('traversal');
    expect(await refusal(readXdm(patchBytes(base, 'AA/AA/', 'AA\\AA/')))).toBe('traversal');
    expect(await refusal(readXdm(patchBytes(base, 'AA/AA/', 'C:/AA/')))).toBe('traversal');
    expect(await refusal(readXdm(patchBytes(base, 'AA/AA/', 'A/./A/')))).toBe('traversal');
    expect(await refusal(readXdm(await zipOf([{ name: 'IHE_XDM/SUBSET01/DOC0001.XML', data: '/etc/passwd', mode: 0o120777 }])))).toBe('traversal');
    // A document URI that leaves its subset folder.
    const xml = (await metadata()).replace('<rim:Value>DOC0001.XML</rim:Value>', '<rim:Value>../../README.TXT</rim:Value>');
    expect(await refusal(readXdm(await zipOf([{ name: 'README.TXT', data: 'x' }, { name: 'IHE_XDM/SUBSET01/METADATA.XML', data: xml }])))).toBe('traversal');
  });

  it('too many entries, duplicates, encrypted entries, unknown compression', async () => {
    const many = await zipOf(Array.from({ length: 201 }, (_, i) => ({ name: `F${i}.TXT`, data: 'x' })));
    expect(await refusal(readXdm(many))).toBe('too-many-entries');
    expect(await refusal(readXdm(await zipOf(Array.from({ length: 11 }, (_, i) => ({ name: `F${i}.TXT`, data: 'x' }))), small))).toBe('too-many-entries');
    expect(await refusal(readXdm(await zipOf([{ name: 'A.TXT', data: 'x' }, { name: 'a.txt', data: 'y' }])))).toBe('duplicate-entry');
    expect(await refusal(readXdm(patchCentral(await zipOf([{ name: 'A.TXT', data: 'x' }]), 'A.TXT', { flags: 1 })))).toBe('encrypted');
    const stored = await zipOf([{ name: 'A.TXT', data: 'x', store: true }]);
    const at = stored.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    const weird = Buffer.from(stored);
    weird.writeUInt16LE(12, at + 10); // bzip2
    expect(await refusal(readXdm(weird))).toBe('unsupported');
  });

  it('a zip bomb, honest or with a lying header, is cut by the inflated-bytes count', async () => {
    const zeros = Buffer.alloc(5 * 1024 * 1024);
    const honest = await zipOf([{ name: 'IHE_XDM/SUBSET01/METADATA.XML', data: zeros }]);
    expect(honest.length).toBeLessThan(20_000);
    expect(await refusal(readXdm(honest))).toBe('ratio');
    // The central directory says 1000 bytes: the header checks pass, the stream count does not.
    const lying = patchCentral(honest, 'IHE_XDM/SUBSET01/METADATA.XML', { uncompressedSize: 1000 });
    expect(await refusal(readXdm(lying))).toBe('ratio');
    expect(await readXdm(lying).catch((e: unknown) => (e as XdmError).detail)).toBe('inflated ratio');
    // Incompressible but too big, declared or not.
    const big = await zipOf([{ name: 'IHE_XDM/SUBSET01/METADATA.XML', data: randomBytes(1536 * 1024) }]);
    expect(await refusal(readXdm(big, small))).toBe('too-large');
    expect(await refusal(readXdm(patchCentral(big, 'IHE_XDM/SUBSET01/METADATA.XML', { uncompressedSize: 1000 }), small))).toBe('too-large');
    const total = await zipOf(Array.from({ length: 3 }, (_, i) => ({ name: `F${i}.BIN`, data: randomBytes(900 * 1024) })));
    expect(await refusal(readXdm(total, small))).toBe('too-large');
  });

  it('no METADATA.XML, malformed metadata, DTD and entities', async () => {
    expect(await refusal(readXdm(await zipOf([{ name: 'README.TXT', data: 'x' }, { name: 'METADATA.XML', data: 'x' }])))).toBe('no-metadata');
    const withMeta = (xml: string) => zipOf([{ name: 'IHE_XDM/SUBSET01/METADATA.XML', data: xml }]);
    expect(await refusal(readXdm(await withMeta('<lcm:SubmitObjectsRequest><oops')))).toBe('bad-metadata');
    expect(await refusal(readXdm(await withMeta('<SubmitObjectsRequest><RegistryObjectList/></SubmitObjectsRequest>')))).toBe('bad-metadata');
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>${(await metadata()).replace(/^<\?xml[^>]*>/, '').replace('DOC0001.XML', '&lol2;')}`;
    expect(await refusal(readXdm(await withMeta(laughs)))).toBe('xml-entities');
    const xxe = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>`;
    expect(await refusal(readXdm(await withMeta(xxe)))).toBe('xml-entities');
  });

  it('a missing document and a document that does not match its hash or size', async () => {
    const xml = await metadata();
    const doc = testCda();
    expect(await readXdm(await zipOf([{ name: 'IHE_XDM/SUBSET01/METADATA.XML', data: xml }, { name: 'IHE_XDM/SUBSET01/DOC0001.XML', data: doc }]))).toMatchObject({ documents: [{ size: doc.length }] });
    expect(await refusal(readXdm(await zipOf([{ name: 'IHE_XDM/SUBSET01/METADATA.XML', data: xml }])))).toBe('missing-document');
    const tampered = Buffer.from(doc.toString('utf8').replace('CR d', 'XX d'), 'utf8');
    expect(tampered.length).toBe(doc.length);
    expect(await refusal(readXdm(await zipOf([{ name: 'IHE_XDM/SUBSET01/METADATA.XML', data: xml }, { name: 'IHE_XDM/SUBSET01/DOC0001.XML', data: tampered }])))).toBe('hash-mismatch');
    const longer = Buffer.concat([doc, Buffer.from('\n')]);
    const noHash = xml.replace(/<rim:Slot name="hash">[\s\S]*?<\/rim:Slot>/, '');
    expect(await refusal(readXdm(await zipOf([{ name: 'IHE_XDM/SUBSET01/METADATA.XML', data: noHash }, { name: 'IHE_XDM/SUBSET01/DOC0001.XML', data: longer }])))).toBe('hash-mismatch');
  });

  it('reads and refuses in memory only: the XDM code has no file system access', () => {
    for (const file of fs.readdirSync('electron/mail/xdm')) {
      const source = fs.readFileSync(path.join('electron/mail/xdm', file), 'utf8');
      expect(source, file).not.toMatch(/from ['"](node:)?fs(\/promises)?['"]|require\(['"](node:)?fs/);
    }
  });
});
