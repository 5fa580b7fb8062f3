import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../shared/api/index.js';
import { createDemoInsi, DEMO_INSI_PEOPLE } from '../demo/demoInsi.js';
import { checkMatricule, computeInsKey } from '../identity/insMatricule.js';
import { INS_OID } from '../identity/insOid.js';
import { recordingLogger, testRegistry } from '../identity/testSupport.js';
import type { Vault } from '../vault/client.js';
import { createPatientHandlers, INSI_NOT_CONFIGURED, type InsiSource } from './patientHandlers.js';

/** The handlers over an in-process vault, a signed-in (or not) card, and the demo INSi. */
function setup(insi: InsiSource = { kind: 'service', service: createDemoInsi() }, mode: 'demo' | 'production' = 'demo') {
  const { store } = testRegistry();
  let signedIn = true;
  const vault = store as unknown as Vault;
  const card = { getState: () => (signedIn ? { state: 'signed-in' as const, slotId: '0', profile: { idNat: '899900000001' } as never, warnings: [] } : { state: 'present' as const, slotId: '0', pinStatus: 'ok' as const, check: { kind: 'refused' as const, code: 'x', message: 'x' }, otherSlots: [] }) };
  const log = recordingLogger();
  const h = createPatientHandlers({ card: card as never, vault: { current: () => (signedIn ? vault : undefined) }, mode, insi, log });
  const ctx = { origin: 'app://caducee', isMainFrame: true };
  return { h, ctx, log, signOut: () => (signedIn = false) };
}

const ELISE = { birthName: 'Martin-Durand', firstNames: 'Élise', sex: 'F', birthDate: '14/03/1985' };

describe('patient handlers (demo INSi)', () => {
  it('uses fictitious identities with valid keys under the demo OID only', async () => {
    for (const p of DEMO_INSI_PEOPLE) expect(checkMatricule(p.matricule, computeInsKey(p.matricule) ?? '').ok).toBe(true);
    const answer = await createDemoInsi().rechercherIns({ birthName: 'ROUSSEAU', firstNames: ['CHLOE'], sex: 'F', birthDate: '2016-07-21', birthPlace: null });
    expect(answer.identity?.ins).toMatchObject({ matricule: '216072A004018', oid: INS_OID.demo });
  });

  it('looks up, compares, and records only on confirmation with the single-use token', async () => {
    const { h, ctx } = setup();
    const created = await h['patients.create']({ traits: ELISE }, ctx);
    if (!created.ok) throw new Error(created.code);
    expect(created.patient).toMatchObject({ status: 'provisoire', traits: { birthName: 'MARTIN-DURAND', birthDate: '1985-03-14' } });
    const lookup = await h['patients.insiLookup']({ id: created.patient.id }, ctx);
    if (!lookup.ok || lookup.token === null) throw new Error('no token');
    expect(lookup).toMatchObject({ code: '00', operation: 'recherche', differences: ['firstNames', 'birthPlace'], identity: { ins: { oid: INS_OID.demo } } });
    const confirmed = await h['patients.insiConfirm']({ id: created.patient.id, version: created.patient.version, token: lookup.token }, ctx);
    expect(confirmed).toMatchObject({ ok: true, patient: { status: 'recuperee', canShareIns: false, traits: { firstNames: ['ELISE', 'MARIE'] } } });
    expect(await h['patients.insiConfirm']({ id: created.patient.id, version: 2, token: lookup.token }, ctx)).toMatchObject({ ok: false, code: 'insi-token-invalid' });
    if (!confirmed.ok) throw new Error('refused');
    const qualified = await h['patients.recordDocumentCheck']({ id: created.patient.id, version: confirmed.patient.version, document: 'passeport' }, ctx);
    expect(qualified).toMatchObject({ ok: true, patient: { status: 'qualifiee', canShareIns: true } });
    const found = await h['patients.search']({ query: 'martin durand elise' }, ctx);
    expect(found.patients).toHaveLength(1);
  });

  it('answers 01 without a token for someone INSi does not know', async () => {
    const { h, ctx } = setup();
    const created = await h['patients.create']({ traits: { birthName: 'Inconnu', firstNames: 'Personne', sex: 'M', birthDate: '1990-01-01' } }, ctx);
    if (!created.ok) throw new Error(created.code);
    expect(await h['patients.insiLookup']({ id: created.patient.id }, ctx)).toMatchObject({ ok: true, code: '01', identity: null, token: null });
  });

  it('says INSi is not configured, and refuses everything with LOCKED when signed out', async () => {
    const { h, ctx, signOut } = setup({ kind: 'none' }, 'production');
    const created = await h['patients.create']({ traits: ELISE }, ctx);
    if (!created.ok) throw new Error(created.code);
    expect(await h['patients.insiLookup']({ id: created.patient.id }, ctx)).toEqual({ ok: false, code: 'insi-not-configured', message: INSI_NOT_CONFIGURED });
    expect(INSI_NOT_CONFIGURED).toMatch(/^Téléservice INSi non configuré/);
    signOut();
    await expect(h['patients.search']({ query: 'martin' }, ctx)).rejects.toEqual(new ServiceError('LOCKED', 'patients while locked'));
    await expect(h['patients.get']({ id: created.patient.id }, ctx)).rejects.toBeInstanceOf(ServiceError);
  });

  it('refuses a demo INS in production and a real one in demo, on the INS/OID field', async () => {
    const { h, ctx } = setup();
    expect(await h['patients.create']({ traits: ELISE, ins: { value: '109076322083489', oid: INS_OID.nir } }, ctx)).toMatchObject({ ok: false, code: 'oid-refused', field: 'oid' });
    expect(await h['patients.create']({ traits: ELISE, ins: { value: '109076322083488', oid: INS_OID.demo } }, ctx)).toMatchObject({ ok: false, code: 'ins-invalid', field: 'ins' });
  });
});
