import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInsiClient, type InsiClientSettings } from '../../../electron/identity/insiClient.js';
import { InsiError } from '../../../electron/identity/insiErrors.js';
import { checkTraits, type StrictTraits } from '../../../electron/identity/strictTraits.js';
import { recordingLogger } from '../../../electron/identity/testSupport.js';
import { fixtureIdentities } from '../../peers/insi/fixtureIdentities.js';
import { startInsiSimulator, type InsiSimulator } from '../../peers/insi/insiSimulator.js';

const traits = (t: Parameters<typeof checkTraits>[0]): StrictTraits => {
  const c = checkTraits(t);
  if (!c.ok) throw new Error('fixture traits');
  return c.traits;
};
const context = { idam: 'TESTIDAM0001', softwareName: 'caducee', softwareVersion: '0.1.0', instance: '5f0c2f9e-7d7c-4c1c-9b4e-3a1d2c0b9a77', emitter: '810012345678' };

let sim: InsiSimulator;
let settings: InsiClientSettings;
const population = fixtureIdentities();
beforeAll(async () => {
  // Two identical traits make a CR 02 (as DE VINCI LEONARDO in the INSi qualification base).
  const twin = { matricule: '1140275056001', key: '', oid: '1.2.250.1.213.1.4.8', birthName: 'DE VINCI', firstNames: 'LEONARDO', sex: 'M' as const, birthDate: '2014-02-01', birthPlace: '75056' };
  sim = await startInsiSimulator({ port: 0, idam: context.idam, identities: [...population, { ...twin, key: '11' }, { ...twin, matricule: '1140275056002', key: '22' }] });
  settings = { ...context, endpoint: sim.url, timeoutMs: 5_000 };
});
afterAll(async () => sim.close());

describe('INSi client against the local simulator', () => {
  it('finds an identity (00) with SOAP 1.2, WS-Addressing and the LPS/BAM contexts', async () => {
    const log = recordingLogger();
    const answer = await createInsiClient(settings, { log }).rechercherIns(traits({ birthName: 'Adrtrois', firstNames: 'Dominique', sex: 'F', birthDate: '1997-02-26' }));
    expect(answer.code).toBe('00');
    expect(answer.identity?.ins).toEqual({ matricule: '297022A020778', key: '78', oid: '1.2.250.1.213.1.4.8' });
    expect(answer.identity?.traits.birthPlace).toBe('2A020');
    const req = sim.requests.at(-1);
    expect(req?.action).toBe('urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecTraitsIdentite');
    expect(req?.idam).toBe('TESTIDAM0001');
    expect(req?.messageId).toMatch(/^uuid:[0-9a-f-]{36}$/);
    expect(req?.body).toMatchObject({ NomNaissance: 'ADRTROIS', Prenom: 'DOMINIQUE', Sexe: 'F', DateNaissance: '1997-02-26' });
    expect(log.lines.join('\n')).not.toMatch(/ADRTROIS|DOMINIQUE|1997-02-26|297022A/);
  });

  it('asks first name by first name, then all together, until one answers (TCHITCHI OLA CATARINA BELLA)', async () => {
    const before = sim.requests.length;
    const answer = await createInsiClient(settings).rechercherIns(traits({ birthName: 'TCHITCHI', firstNames: 'OLA CATARINA BELLA', sex: 'F', birthDate: '1936-06-21' }));
    expect(answer.code).toBe('00');
    expect(sim.requests.slice(before).map((r) => r.body.Prenom)).toEqual(['OLA', 'CATARINA']);
  });

  it('answers 01 (none) and 02 (several)', async () => {
    const client = createInsiClient(settings);
    const none = await client.rechercherIns(traits({ birthName: 'INCONNU', firstNames: 'PERSONNE', sex: 'M', birthDate: '2000-01-01' }));
    expect([none.code, none.identity]).toEqual(['01', null]);
    const several = await client.rechercherIns(traits({ birthName: 'DE VINCI', firstNames: 'LEONARDO', sex: 'M', birthDate: '2014-02-01' }));
    expect([several.code, several.identity]).toEqual(['02', null]);
  });

  it('verifies an INS with its traits (00), and not with other traits (01)', async () => {
    const client = createInsiClient(settings);
    const ins = { matricule: '1090763220834', key: '89', oid: '1.2.250.1.213.1.4.8' };
    const t = traits({ birthName: 'ECETINSI', firstNames: 'PIERRE-ALAIN MURIEL FLORIANT', sex: 'M', birthDate: '2009-07-14', birthPlace: '63220' });
    const ok = await client.verifierIns(ins, t);
    expect([ok.code, ok.operation, ok.identity?.ins.matricule]).toEqual(['00', 'verification', '1090763220834']);
    expect(sim.requests.at(-1)?.action).toBe('urn:ServiceIdentiteCertifiee:1.0.0:verifierInsAvecTraitsIdentite');
    expect((await client.verifierIns(ins, { ...t, birthDate: '2009-07-15' })).code).toBe('01');
  });

  it('turns a SOAP fault into a typed error carrying the service’s French reason', async () => {
    const error = await createInsiClient({ ...settings, idam: 'FAKE-IDAM' }).rechercherIns(traits({ birthName: 'ADRUN', firstNames: 'ZOE', sex: 'F', birthDate: '1975-12-31' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InsiError);
    expect((error as InsiError).code).toBe('insi-soap-fault');
    expect((error as InsiError).userMessage).toMatch(/n'est pas autorisé/);
  });

  it('times out with a typed error, and refuses plain HTTP off loopback or HTTPS without a certificate', async () => {
    const slow = await startInsiSimulator({ identities: population, delayMs: 2_000 });
    try {
      const started = Date.now();
      const error = await createInsiClient({ ...settings, endpoint: slow.url, timeoutMs: 200 }).rechercherIns(traits({ birthName: 'ADRUN', firstNames: 'ZOE', sex: 'F', birthDate: '1975-12-31' })).catch((e: unknown) => e);
      expect((error as InsiError).code).toBe('insi-timeout');
      expect((error as InsiError).userMessage).toMatch(/n’a pas répondu à temps/);
      expect(Date.now() - started).toBeLessThan(1_500);
    } finally {
      await slow.close();
    }
    const t = traits({ birthName: 'ADRUN', firstNames: 'ZOE', sex: 'F', birthDate: '1975-12-31' });
    expect(await createInsiClient({ ...settings, endpoint: 'http://qualiflps.services-ps.ameli.fr/lps' }).rechercherIns(t).catch((e: InsiError) => e.code)).toBe('insi-transport-refused');
    expect(await createInsiClient({ ...settings, endpoint: 'https://127.0.0.1:9/lps' }).rechercherIns(t).catch((e: InsiError) => e.code)).toBe('insi-config');
    expect(await createInsiClient({ ...settings, endpoint: 'http://127.0.0.1:9/lps' }).rechercherIns(t).catch((e: InsiError) => e.code)).toBe('insi-network');
  });
});
