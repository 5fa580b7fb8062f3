import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incomingFromXdmMetadata } from '../../../electron/identity/incomingIdentity.js';
import { createInsiClient } from '../../../electron/identity/insiClient.js';
import { matchAgainstRegistry } from '../../../electron/identity/patientMatchQuery.js';
import { createPatientRegistry } from '../../../electron/identity/patientRegistry.js';
import { openVault, type Vault } from '../../../electron/vault/client.js';
import { tempDir } from '../../../electron/vault/testSupport.js';
import { startInsiSimulator, type InsiSimulator } from '../../peers/insi/insiSimulator.js';
import { fixtureIdentities } from '../../peers/insi/fixtureIdentities.js';

/**
 * The whole path with real peers: the vault in its worker (SQLCipher-family, encrypted), the INSi
 * simulator over HTTP. provisoire → (INSi) récupérée → (document) qualifiée → an incoming XDM
 * item is attached automatically; nothing else can set récupérée.
 */
const dir = tempDir();
let vault: Vault;
let sim: InsiSimulator;

beforeAll(async () => {
  vault = await openVault({ file: path.join(dir, 'vault.db'), key: randomBytes(32) });
  sim = await startInsiSimulator({ identities: fixtureIdentities() });
});
afterAll(async () => {
  await vault.close();
  await sim.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const XDM = `<lcm:SubmitObjectsRequest xmlns:lcm="urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0" xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0"><rim:RegistryObjectList><rim:ExtrinsicObject id="d1">
<rim:Slot name="sourcePatientInfo"><rim:ValueList><rim:Value>PID-5|ADRTROIS^DOMINIQUE^^^^^L</rim:Value><rim:Value>PID-7|19970226</rim:Value><rim:Value>PID-8|F</rim:Value></rim:ValueList></rim:Slot>
<rim:ExternalIdentifier identificationScheme="urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427" value="297022A02077878^^^&amp;1.2.250.1.213.1.4.8&amp;ISO^NH"/></rim:ExtrinsicObject></rim:RegistryObjectList></lcm:SubmitObjectsRequest>`;

describe('registry over the real vault, with INSi', () => {
  it('qualifies an identity through INSi and a document check, then attaches an incoming item', async () => {
    const registry = createPatientRegistry({ store: vault, actor: '810012345678', mode: 'production' });
    const insi = createInsiClient({ endpoint: sim.url, idam: 'TESTIDAM0001', softwareName: 'caducee', softwareVersion: '0.1.0', instance: 'i-1', emitter: '810012345678' });
    const p = await registry.create({ traits: { birthName: 'Adrtrois', firstNames: 'Dominique', sex: 'F', birthDate: '1997-02-26' } });
    const incoming = incomingFromXdmMetadata(XDM);
    expect((await matchAgainstRegistry(vault, incoming, { mode: 'production' })).decision).toBe('ask-user');

    const answer = await insi.rechercherIns(p.traits);
    const r = await registry.recordInsiResult(p.id, p.version, answer);
    expect(r).toMatchObject({ status: 'recuperee', traits: { birthPlace: '2A020' }, ins: { matricule: '297022A020778' } });
    expect((await matchAgainstRegistry(vault, incoming, { mode: 'production' })).decision).toBe('ask-user');

    const q = await registry.recordDocumentCheck(r.id, r.version, 'carte-identite');
    expect(q.status).toBe('qualifiee');
    expect(await matchAgainstRegistry(vault, incoming, { mode: 'production' })).toMatchObject({ decision: 'attach', patientId: p.id });
    expect((await registry.history(p.id)).map((h) => h.action)).toEqual(expect.arrayContaining(['create', 'insi', 'document-check']));
  });

  it('refuses récupérée by any other path, in the worker too', async () => {
    const registry = createPatientRegistry({ store: vault, actor: '810012345678', mode: 'production' });
    const p = await registry.create({ traits: { birthName: 'Adrun', firstNames: 'Zoe', sex: 'F', birthDate: '1975-12-31' } });
    const edit = { id: p.id, expectedVersion: p.version, traits: p.traits, searchText: ' ADRUN ZOE ', birthDate: p.traits.birthDate, actor: 'x', at: Date.now(), changes: [] };
    expect(await vault.patientEdit({ ...edit, status: 'recuperee' })).toEqual({ ok: false, reason: 'status-not-allowed' });
    await expect(vault.upsertPatient({ ins: '275126322074974', oid: '1.2.250.1.213.1.4.8', traits: {}, status: 'recuperee' })).rejects.toThrow(/requires an INSi answer/);
    expect((await registry.get(p.id))?.status).toBe('provisoire');
  });
});
