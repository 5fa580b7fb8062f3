import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryEntrySchema, directoryStatusSchema, type CardView, type DirectoryEntryView, type DirectoryStatusView } from '../../../shared/api/index.js';
import { createHost, type Host } from '../../../electron/host/createHost.js';
import { EXTRACTION_NAME, buildExtractionZip, startExtractionServer, zipFiles, type ExtractionServer } from '../../peers/annuaire/extractionServer.js';
import { extractionHeader, formatLine, recordOf } from '../../peers/annuaire/generateExtraction.js';
import { createTestCard, type TestCard } from '../../peers/softhsm/createTestCard.js';
import { tempDir } from '../card/helpers.js';
import { appCaller as ctx, callHost, until as poll } from './support.js';

/**
 * The Annuaire Santé in the product, through the router, on the SoftHSM2 test card: the ANS
 * ZIP downloaded from a server on 127.0.0.1 and imported in the background with throttled
 * events, then searched; a broken file, an HTTP error and a cancellation keep the directory
 * that was there; a file picked by the user (the Electron picker's dependency) is imported too.
 */
let card: TestCard;
let server: ExtractionServer;
let host: Host;
let dir: string;
let good: { zipFile: string; lines: number };
let picked: string | null = null;
const events: { at: number; status: DirectoryStatusView }[] = [];

const call = <T>(method: string, input: unknown): Promise<T> => callHost<T>(host, method, input);
const status = () => call<DirectoryStatusView>('directory.status', {});
const search = async (input: Record<string, unknown>) => (await call<{ entries: DirectoryEntryView[] }>('directory.search', { query: '', limit: 20, ...input })).entries;
const settled = (s: DirectoryStatusView) => s.import.state !== 'running';
const untilSettled = async () => (await poll(status, settled, 60_000)).value;

const header = extractionHeader();
const HELENE = recordOf({
  type_bal: 'PER',
  adresse_bal: 'helene.zzyzx@medecin.mssante.fr',
  identifiant_pp: '10999999991',
  identification_nationale_pp: '810999999991',
  nom_exercice: 'ZZYZX-MÉNARD',
  prenom_exercice: 'Hélène',
  code_profession: '10',
  libelle_profession: 'Médecin',
  libelle_savoir_faire: 'Cardiologie et maladies vasculaires',
  raison_sociale_structure_bal: 'Clinique Sainte-Cécile',
  ligne_acheminement_structure_bal: '69003 LYON',
  code_postal_structure_bal: '69003',
});

beforeAll(async () => {
  dir = tempDir('host-directory');
  card = await createTestCard(path.join(dir, 'card'), 'valid');
  server = await startExtractionServer();
  const built = await buildExtractionZip({ dir: path.join(dir, 'good'), targetBytes: 8_000_000, seed: 3, extraLines: [formatLine(header, HELENE), 'PER|ligne.cassee@medecin.mssante.fr|8'] });
  good = built;
  process.env['SOFTHSM2_CONF'] = card.softhsmConf;
  host = createHost(
    {
      mode: 'normal',
      hostKind: 'web',
      dataDir: path.join(dir, 'data'),
      appVersion: 'test',
      platform: 'linux',
      trustedOrigins: [ctx.origin],
      card: { modulePath: card.modulePath, anchorFolders: [card.anchorsDir], crlSources: [card.crlPath], rescan: true, pollIntervalMs: 200 },
      directory: { downloadUrl: server.url, timeoutMs: 30_000 },
    },
    { pickFile: async () => picked },
  );
  host.events.subscribe((event, payload) => {
    if (event === 'directory.changed') events.push({ at: Date.now(), status: directoryStatusSchema.parse(payload) });
  });
  await host.ready;
  await poll(() => call<CardView>('card.getState', {}), (v) => v.state === 'present');
}, 120_000);

afterAll(async () => {
  await host?.close();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('Annuaire Santé in the host', () => {
  it('refuses every directory call while locked: the directory lives in the vault', async () => {
    for (const [method, input] of [
      ['directory.status', {}],
      ['directory.import', { source: 'download' }],
      ['directory.cancelImport', {}],
      ['directory.search', { query: 'martin', limit: 5 }],
    ] as const) {
      expect(await host.router.call(method, input, ctx), method).toEqual({ ok: false, error: { code: 'LOCKED' } });
    }
  });

  it('downloads the ANS ZIP and imports it in the background, with throttled progress events', async () => {
    expect(await call('card.signIn', { pin: card.pin })).toMatchObject({ result: 'signed-in' });
    expect(await status()).toMatchObject({ count: 0, importedAt: null, source: null, downloadConfigured: true, filePickerAvailable: true, import: { state: 'idle' } });
    // Slow enough (~2 s for the ZIP) to see the download phase move.
    server.serve({ file: good.zipFile, bytesPerSecond: 800_000 });
    events.length = 0;
    expect(await call('directory.import', { source: 'download' })).toEqual({ started: true });
    // One import at a time.
    expect(await call('directory.import', { source: 'download' })).toEqual({ started: false });
    const done = await untilSettled();

    expect(done.import).toMatchObject({ state: 'done', lines: good.lines - 1, rejected: 1, message: null });
    expect(done.count).toBe(good.lines - 1);
    expect(done.source).toBe(`${EXTRACTION_NAME} (${new URL(server.url).host})`);
    expect(done.importedAt).toBeGreaterThan(Date.now() - 120_000);

    const running = events.filter((e) => e.status.import.state === 'running');
    const download = running.filter((e) => e.status.import.phase === 'download');
    const reading = running.filter((e) => e.status.import.phase === 'import');
    expect(download.length).toBeGreaterThan(3);
    expect(reading.length).toBeGreaterThan(1);
    expect(download.at(-1)?.status.import.bytesTotal).toBe(fs.statSync(good.zipFile).size);
    for (const phase of [download, reading]) {
      for (let i = 1; i < phase.length; i += 1) expect(phase[i]!.status.import.bytesDone).toBeGreaterThanOrEqual(phase[i - 1]!.status.import.bytesDone);
    }
    expect(reading.some((e) => e.status.import.lines > 0 && e.status.import.bytesDone < (e.status.import.bytesTotal ?? 0))).toBe(true);
    // Throttled: at most ~4 progress events a second (phase changes are sent at once).
    const seconds = (events.at(-1)!.at - events[0]!.at) / 1000;
    expect(events.length).toBeLessThanOrEqual(Math.ceil(seconds * 4) + 4);
    expect(events.at(-1)?.status).toEqual(done);
    // The downloaded file does not stay in the profile.
    expect(fs.readdirSync(path.join(dir, 'data')).length).toBeGreaterThan(0);
    const leftovers = fs.readdirSync(path.join(dir, 'data'), { recursive: true }).map(String).filter((f) => f.endsWith('.download'));
    expect(leftovers).toEqual([]);
  }, 90_000);

  it('searches by free text (name, address, RPPS) and by criteria (name, RPPS, profession, city)', async () => {
    const byName = await search({ query: 'helene zzyz' });
    expect(byName).toHaveLength(1);
    expect(directoryEntrySchema.parse(byName[0])).toEqual({
      address: 'helene.zzyzx@medecin.mssante.fr',
      displayName: 'Hélène ZZYZX-MÉNARD',
      type: 'PER',
      rpps: '10999999991',
      profession: 'Médecin',
      specialty: 'Cardiologie et maladies vasculaires',
      organisation: 'Clinique Sainte-Cécile',
      city: '69003 LYON',
    });
    expect((await search({ query: 'helene.zzyzx@medecin.mssante.fr' }))[0]?.address).toBe('helene.zzyzx@medecin.mssante.fr');
    expect((await search({ query: '109 9999 9991' })).map((e) => e.address)).toEqual(['helene.zzyzx@medecin.mssante.fr']);
    expect((await search({ rpps: '810999999991' })).map((e) => e.address)).toEqual(['helene.zzyzx@medecin.mssante.fr']);
    expect((await search({ name: 'zzyzx', profession: 'médecin', city: 'lyon' })).map((e) => e.address)).toEqual(['helene.zzyzx@medecin.mssante.fr']);
    expect(await search({ name: 'zzyzx', city: 'brest' })).toEqual([]);
    const many = await search({ profession: 'infirmier', city: '75', limit: 50 });
    expect(many.length).toBeGreaterThan(5);
    expect(many.every((e) => e.profession === 'Infirmier' && e.city?.startsWith('75'))).toBe(true);
    expect(await search({ query: '   ' })).toEqual([]);
  });

  it('keeps the directory when the file is broken, the server fails, or the import is cancelled', async () => {
    const before = await status();
    const broken = path.join(dir, 'broken');
    fs.mkdirSync(broken);
    fs.writeFileSync(path.join(broken, EXTRACTION_NAME), 'Nom|Prénom|Courriel\nDUPONT|Jean|jean@exemple.fr\n');
    await zipFiles(path.join(broken, 'bad-header.zip'), [{ file: path.join(broken, EXTRACTION_NAME), name: EXTRACTION_NAME }]);
    fs.writeFileSync(path.join(broken, 'not-a-zip.zip'), Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(2000, 7)]));
    const garbled = path.join(broken, 'garbled', EXTRACTION_NAME);
    fs.mkdirSync(path.dirname(garbled));
    fs.writeFileSync(garbled, [header.join('|'), formatLine(header, HELENE), ...Array.from({ length: 20 }, (_, i) => `PER|ligne${i}@medecin.mssante.fr|cassée`)].join('\n'));
    await zipFiles(path.join(broken, 'garbled.zip'), [{ file: garbled, name: EXTRACTION_NAME }]);

    const attempts: [string, () => void, RegExp][] = [
      ['bad header', () => server.serve({ file: path.join(broken, 'bad-header.zip') }), /Colonnes? obligatoires? absentes?/],
      ['damaged zip', () => server.serve({ file: path.join(broken, 'not-a-zip.zip') }), /ZIP .*illisible ou endommagé/],
      ['HTTP 503', () => server.serve({ status: 503 }), /\(HTTP 503\)/],
      ['mostly bad lines', () => server.serve({ file: path.join(broken, 'garbled.zip') }), /Trop de lignes illisibles dans ce fichier \(20 sur 21\)\u00a0: /],
    ];
    for (const [what, serve, message] of attempts) {
      serve();
      expect(await call('directory.import', { source: 'download' }), what).toEqual({ started: true });
      const after = await untilSettled();
      expect(after.import.state, what).toBe('failed');
      expect(after.import.message, what).toMatch(message);
      expect(after.import.message, what).toMatch(/L.annuaire actuel est conservé\.$/);
      expect({ count: after.count, importedAt: after.importedAt, source: after.source }, what).toEqual({ count: before.count, importedAt: before.importedAt, source: before.source });
    }

    server.serve({ file: good.zipFile, bytesPerSecond: 200_000 });
    expect(await call('directory.import', { source: 'download' })).toEqual({ started: true });
    await poll(status, (s) => s.import.bytesDone > 0);
    expect(await call('directory.cancelImport', {})).toEqual({});
    const cancelled = await untilSettled();
    expect(cancelled.import).toMatchObject({ state: 'cancelled', message: 'Import de l’annuaire annulé. L’annuaire précédent est conservé.' });
    expect(cancelled.count).toBe(before.count);
    expect((await search({ query: 'helene zzyz' })).length).toBe(1);
  }, 90_000);

  it('imports a file the user picks (ZIP or text); a cancelled picker starts nothing', async () => {
    picked = null;
    expect(await call('directory.import', { source: 'file' })).toEqual({ started: false });
    const small = await buildExtractionZip({ dir: path.join(dir, 'small'), targetBytes: 300_000, seed: 9 });
    picked = small.textFile;
    expect(await call('directory.import', { source: 'file' })).toEqual({ started: true });
    const done = await untilSettled();
    expect(done).toMatchObject({ count: small.lines, source: EXTRACTION_NAME, import: { state: 'done', lines: small.lines, rejected: 0 } });
    expect(await search({ query: 'helene zzyz' })).toEqual([]);
  }, 60_000);

  it('stops an import when the session locks, and keeps the directory for the next session', async () => {
    const before = await status();
    server.serve({ file: good.zipFile, bytesPerSecond: 200_000 });
    events.length = 0;
    expect(await call('directory.import', { source: 'download' })).toEqual({ started: true });
    await poll(status, (s) => s.import.bytesDone > 0);
    await call('card.signOut', {});
    await poll(async () => events.at(-1)?.status.import.state ?? 'none', (state) => state === 'failed', 10_000);
    expect(events.at(-1)?.status.import.message).toBe('La session a été verrouillée pendant l’import de l’annuaire : import interrompu. L’annuaire actuel est conservé.');
    await poll(() => call<CardView>('card.getState', {}), (v) => v.state === 'present');
    expect(await call('card.signIn', { pin: card.pin })).toMatchObject({ result: 'signed-in' });
    const after = await status();
    expect({ count: after.count, source: after.source, importedAt: after.importedAt }).toEqual({ count: before.count, source: before.source, importedAt: before.importedAt });
  }, 60_000);

  it('locks with the session again', async () => {
    await call('card.signOut', {});
    await poll(() => host.router.call('directory.status', {}, ctx), (r) => !r.ok);
    expect(await host.router.call('directory.search', { query: 'martin', limit: 5 }, ctx)).toEqual({ ok: false, error: { code: 'LOCKED' } });
  });
});
