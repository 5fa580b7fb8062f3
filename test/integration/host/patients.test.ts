import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardView, InsiLookupResult, PatientResult } from '../../../shared/api/index.js';
import type { Host } from '../../../electron/host/createHost.js';
import { computeInsKey } from '../../../electron/identity/insMatricule.js';
import { INS_OID } from '../../../electron/identity/insOid.js';
import { createTestCard, type TestCard } from '../../peers/softhsm/createTestCard.js';
import { fixtureIdentities } from '../../peers/insi/fixtureIdentities.js';
import { startInsiSimulator, type InsiSimulator } from '../../peers/insi/insiSimulator.js';
import { tempDir } from '../card/helpers.js';
import { appCaller as ctx, callHost, hostOnTestCard, waitForCardState } from './support.js';

/**
 * The patient methods through the router the renderer calls, in normal mode, on the SoftHSM2
 * test card's vault and the local INSi simulator (host config `identityMode: 'qualification'`,
 * so the test OID is accepted): INSi lookup → "C'est bien ce patient" → récupérée, then the
 * document check → qualifiée; a forged or reused token is refused; LOCKED when signed out.
 */
let card: TestCard;
let host: Host;
let sim: InsiSimulator;
let dataDir: string;

/** A test-OID identity (INSi's qualification base answers some with …4.10). */
const TEST_MATRICULE = '1850612345678';
const testIdentity = {
  matricule: TEST_MATRICULE,
  key: computeInsKey(TEST_MATRICULE) ?? '',
  oid: INS_OID.test,
  birthName: 'QUALIFTEST',
  firstNames: 'ANNE MARIE',
  sex: 'F' as const,
  birthDate: '1985-06-12',
  birthPlace: '12345',
};

const call = (method: string, input: unknown): Promise<unknown> => callHost(host, method, input);
const waitForCard = async (state: CardView['state']): Promise<void> => {
  await waitForCardState(host, state);
};

const created = (r: unknown) => {
  const result = r as PatientResult;
  if (!result.ok) throw new Error(`refused: ${result.code}`);
  return result.patient;
};

beforeAll(async () => {
  sim = await startInsiSimulator({ idam: 'TESTIDAM0001', identities: [...fixtureIdentities(), testIdentity] });
  card = await createTestCard(tempDir('patients-card'), 'valid');
  dataDir = tempDir('patients-data');
  host = hostOnTestCard(card, dataDir, {
    identityMode: 'qualification',
    insi: { endpoint: sim.url, idam: 'TESTIDAM0001', instance: 'caducee-test-1', timeoutMs: 5_000 },
  });
  await host.ready;
  await waitForCard('present');
  expect(await call('card.signIn', { pin: card.pin })).toMatchObject({ result: 'signed-in' });
});

afterAll(async () => {
  await host?.close();
  await sim?.close();
});

describe('patients through the host (normal mode, INSi simulator)', () => {
  it('searches INSi with the traits, shows its answer, and records it only on confirmation → récupérée, then qualifiée', async () => {
    const p = created(await call('patients.create', { traits: { birthName: 'Qualiftest', firstNames: 'Anne', sex: 'F', birthDate: '12/06/1985' } }));
    expect(p).toMatchObject({ status: 'provisoire', ins: null, canShareIns: false, traits: { birthDate: '1985-06-12' } });

    const lookup = (await call('patients.insiLookup', { id: p.id })) as InsiLookupResult;
    expect(lookup).toMatchObject({ ok: true, operation: 'recherche', code: '00', identity: { ins: { matricule: TEST_MATRICULE, oid: INS_OID.test }, traits: { firstNames: ['ANNE', 'MARIE'], birthPlace: '12345' } } });
    if (!lookup.ok || lookup.token === null) throw new Error('no token');
    expect(lookup.differences).toEqual(['firstNames', 'birthPlace']);
    expect(sim.requests.at(-1)?.action).toMatch(/rechercherInsAvecTraitsIdentite$/);
    // Looking is not recording.
    const still = (await call('patients.get', { id: p.id })) as { ok: true; patient: { status: string } };
    expect(still.patient.status).toBe('provisoire');

    const confirmed = created(await call('patients.insiConfirm', { id: p.id, version: p.version, token: lookup.token }));
    expect(confirmed).toMatchObject({ status: 'recuperee', ins: { matricule: TEST_MATRICULE, key: testIdentity.key, oid: INS_OID.test }, traits: { firstNames: ['ANNE', 'MARIE'] } });
    expect(confirmed.insiAt).not.toBeNull();

    // The token was single use.
    expect(await call('patients.insiConfirm', { id: p.id, version: confirmed.version, token: lookup.token })).toMatchObject({ ok: false, code: 'insi-token-invalid' });

    // With an INS on file, the next lookup is a verification.
    const verify = (await call('patients.insiLookup', { id: p.id })) as InsiLookupResult;
    expect(verify).toMatchObject({ ok: true, operation: 'verification', code: '00', differences: [] });
    expect(sim.requests.at(-1)?.action).toMatch(/verifierInsAvecTraitsIdentite$/);

    const qualified = created(await call('patients.recordDocumentCheck', { id: p.id, version: confirmed.version, document: 'carte-identite' }));
    expect(qualified).toMatchObject({ status: 'qualifiee', canShareIns: true, documentKind: 'carte-identite' });

    const file = (await call('patients.get', { id: p.id })) as { ok: true; history: { action: string; actor: string }[] };
    expect(file.history.map((h) => h.action)).toEqual(expect.arrayContaining(['create', 'insi', 'document-check']));
    expect(new Set(file.history.map((h) => h.actor))).toEqual(new Set([`8${card.rpps}`]));

    const found = (await call('patients.search', { query: 'qualiftest 12/06/1985' })) as { patients: { id: number }[] };
    expect(found.patients.map((x) => x.id)).toEqual([p.id]);
  });

  it('refuses a forged token, a token for another patient, and one for a file changed since', async () => {
    const a = created(await call('patients.create', { traits: { birthName: 'Adrtrois', firstNames: 'Dominique', sex: 'F', birthDate: '1997-02-26' } }));
    const b = created(await call('patients.create', { traits: { birthName: 'Adrun', firstNames: 'Zoe', sex: 'F', birthDate: '1975-12-31' } }));
    expect(await call('patients.insiConfirm', { id: a.id, version: a.version, token: 'A'.repeat(32) })).toMatchObject({ ok: false, code: 'insi-token-invalid' });
    // Not a token at all: refused by the contract before any service runs.
    expect(await host.router.call('patients.insiConfirm', { id: a.id, version: a.version, token: { code: '00' } }, ctx)).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });

    const lookup = (await call('patients.insiLookup', { id: a.id })) as InsiLookupResult;
    if (!lookup.ok || lookup.token === null) throw new Error('no token');
    expect(await call('patients.insiConfirm', { id: b.id, version: b.version, token: lookup.token })).toMatchObject({ ok: false, code: 'insi-token-invalid' });
    expect(((await call('patients.get', { id: b.id })) as { patient: { status: string } }).patient.status).toBe('provisoire');

    const again = (await call('patients.insiLookup', { id: a.id })) as InsiLookupResult;
    if (!again.ok || again.token === null) throw new Error('no token');
    const edited = created(await call('patients.edit', { id: a.id, version: a.version, traits: { usedName: 'Martin' } }));
    expect(await call('patients.insiConfirm', { id: a.id, version: edited.version, token: again.token })).toMatchObject({ ok: false, code: 'version-conflict' });
    expect(((await call('patients.get', { id: a.id })) as { patient: { status: string } }).patient.status).toBe('provisoire');
  });

  it('answers field by field: a wrong INS key, a demo OID, malformed traits', async () => {
    const wrongKey = (await call('patients.create', {
      traits: { birthName: 'Cle', firstNames: 'Fausse', sex: 'M', birthDate: '1960-01-01' },
      ins: { value: '160012B02077714', oid: INS_OID.nir },
    })) as PatientResult;
    expect(wrongKey).toMatchObject({ ok: false, code: 'ins-invalid', field: 'ins' });
    if (!wrongKey.ok) expect(wrongKey.message).toMatch(/clé du matricule INS ne correspond pas/);
    expect(await call('patients.create', { traits: { birthName: 'Demo', firstNames: 'Refus', sex: 'M', birthDate: '1960-01-01' }, ins: { value: '160012B02077713', oid: INS_OID.demo } })).toMatchObject({
      ok: false,
      code: 'oid-refused',
      field: 'oid',
    });
    const traits = (await call('patients.create', { traits: { birthName: '', firstNames: 'Jean', sex: 'X', birthDate: '31/02/1980', birthPlace: '99100' } })) as PatientResult;
    expect(traits.ok).toBe(false);
    if (!traits.ok) expect((traits.problems ?? []).map((p) => p.field).sort()).toEqual(['birthDate', 'birthName', 'birthPlace', 'sex']);
  });

  it('imports a CSV with its report and merges only through a confirmed proposal', async () => {
    const csv = 'nom_naissance;prenoms;sexe;date_naissance;statut\nDOUBLON;PAUL;M;1990-05-05;\nDOUBLON;PAUL;M;05/05/1990;\nSANS;DATE;M;;\nINSI;SEUL;F;1990-01-01;qualifiee\n';
    const imported = (await call('patients.importCsv', { csv })) as { ok: true; report: { total: number; imported: { patientId: number }[]; refused: { line: number; reasons: string[] }[] } };
    expect(imported.report.total).toBe(4);
    expect(imported.report.imported).toHaveLength(2);
    expect(imported.report.refused.map((r) => r.line)).toEqual([4, 5]);
    const [kept, retired] = imported.report.imported.map((i) => i.patientId) as [number, number];
    const proposal = (await call('patients.proposeMerge', { keptId: kept, retiredId: retired })) as { ok: true; token: string };
    expect(proposal.ok).toBe(true);
    expect(await call('patients.confirmMerge', { token: proposal.token })).toMatchObject({ ok: true, keptId: kept, retiredId: retired });
    expect(await call('patients.confirmMerge', { token: proposal.token })).toMatchObject({ ok: false, code: 'merge-token-invalid' });
    expect(await call('patients.get', { id: retired })).toMatchObject({ ok: false, code: 'patient-merged' });
  });

  it('refuses every patient method with LOCKED once signed out, and keeps names and INS out of the logs', async () => {
    await call('card.signOut', {});
    for (const [method, input] of [
      ['patients.search', { query: 'qualiftest' }],
      ['patients.get', { id: 1 }],
      ['patients.create', { traits: { birthName: 'X', firstNames: 'Y', sex: 'M', birthDate: '1990-01-01' } }],
      ['patients.insiLookup', { id: 1 }],
      ['patients.importCsv', { csv: 'a' }],
    ] as const) {
      expect(await host.router.call(method, input, ctx), method).toEqual({ ok: false, error: { code: 'LOCKED' } });
    }
    const logs = fs
      .readdirSync(path.join(dataDir, 'logs'))
      .map((f) => fs.readFileSync(path.join(dataDir, 'logs', f), 'utf8'))
      .join('\n');
    expect(logs).toContain('patients.insi-lookup');
    for (const secret of ['QUALIFTEST', 'ADRTROIS', TEST_MATRICULE, '1985-06-12', 'DOUBLON']) expect(logs).not.toContain(secret);
  });
});
