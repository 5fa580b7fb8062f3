import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { ServiceError, methodNames, methods, type MethodInput, type MethodName } from '../../shared/api/index.js';
import { silentLogger } from '../policy/logger.js';
import { createRouter, type CallContext, type Handlers } from './router.js';

const trusted: CallContext = { origin: 'app://caducee', isMainFrame: true };

/** One valid input per method: the compiler fails this file when a method is added. */
const validInputs: { [M in MethodName]: MethodInput<M> } = {
  'app.getInfo': {},
  'status.get': {},
  'settings.get': {},
  'settings.update': { locale: 'en' },
  'card.getState': {},
  'card.signIn': { pin: '1234' },
  'card.signOut': {},
  'vault.recover': { pin: '1234', recoveryCode: 'ABCD-EFGH-JKMN-PQRS-TVWX-YZ01' },
  'vault.transferToCard': { slotId: '02', pin: '1234' },
  'card.selectSlot': { slotId: '01' },
  'demo.setCardInserted': { inserted: false },
  'session.activity': {},
  'audit.export': {},
  'outbox.list': {},
  'outbox.retryNow': { id: 3 },
  'outbox.cancel': { id: 3 },
  'mail.send': { to: ['dr.martin@hopital.mssante.fr'], subject: 'Compte rendu', text: 'Bonjour' },
  'mail.status': {},
  'mail.folders': {},
  'mail.list': { folder: 'INBOX', offset: 0, limit: 50 },
  'mail.search': { query: 'compte rendu', limit: 20 },
  'mail.get': { id: 1 },
  'mail.setSeen': { id: 1, seen: true },
  'mail.setFlagged': { id: 1, flagged: false },
  'mail.attachment': { id: 2 },
  'mail.remoteContent': { id: 1 },
  'mail.answerReadReceipt': { id: 1, send: true },
  'mail.syncNow': {},
  'directory.status': {},
  'directory.import': { source: 'download' },
  'directory.cancelImport': {},
  'directory.search': { query: 'martin cardio', limit: 10 },
  'psc.status': {},
  'psc.signIn': {},
  'psc.cancel': {},
  'psc.signOut': {},
  'diagnostics.reportRendererError': { name: 'TypeError', frames: ['at Screen (app.js:1:1)'] },
  'patients.search': { query: 'dupont 01/02/1980' },
  'patients.get': { id: 1 },
  'patients.create': { traits: { birthName: 'Dupont', firstNames: 'Jean Pierre', sex: 'M', birthDate: '01/02/1980' }, ins: { value: '180027505612345', oid: '1.2.250.1.213.1.4.8' } },
  'patients.edit': { id: 1, version: 2, traits: { usedName: 'Durand' } },
  'patients.recordDocumentCheck': { id: 1, version: 2, document: 'passeport' },
  'patients.insiLookup': { id: 1 },
  'patients.insiConfirm': { id: 1, version: 2, token: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' },
  'patients.importCsv': { csv: 'nom_naissance;prenoms;sexe;date_naissance\nDUPONT;JEAN;M;1980-02-01\n' },
  'patients.proposeMerge': { keptId: 1, retiredId: 2 },
  'patients.confirmMerge': { token: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' },
};

const patientView = {
  id: 1,
  ins: { matricule: '1800275056123', key: '45', oid: '1.2.250.1.213.1.4.8' },
  traits: { birthName: 'DUPONT', firstNames: ['JEAN', 'PIERRE'], sex: 'M', birthDate: '1980-02-01', birthPlace: '75056', usedName: null, usedFirstName: null },
  status: 'recuperee',
  version: 3,
  canShareIns: false,
  insiAt: 1_700_000_000_000,
  documentKind: null,
  documentCheckedAt: null,
  updatedAt: 1_700_000_000_000,
};

const validOutputs: { [M in MethodName]: unknown } = {
  'app.getInfo': { name: 'Caducée', version: '1', mode: 'demo', hostKind: 'web', platform: 'linux' },
  'status.get': { card: { state: 'absent' }, network: 'online', pendingJobs: 0 },
  'settings.get': { locale: 'fr', idleLockMinutes: 15, lockedKeys: [] },
  'settings.update': { locale: 'en', idleLockMinutes: 15, lockedKeys: [] },
  'card.getState': { state: 'absent', readers: 1 },
  'card.signIn': { result: 'wrong-pin', pinStatus: 'final-try', message: 'Code PIN incorrect.' },
  'card.signOut': {},
  'vault.recover': { result: 'signed-in' },
  'vault.transferToCard': { result: 'transferred' },
  'card.selectSlot': {},
  'demo.setCardInserted': {},
  'session.activity': {},
  'audit.export': { fileName: 'journal-audit.jsonl', count: 3, head: 'ab' },
  'outbox.list': { configured: true, connectivity: 'online', jobs: [] },
  'outbox.retryNow': {},
  'outbox.cancel': { cancelled: true },
  'mail.send': { jobId: 12 },
  'mail.status': { configured: true, auth: 'psc', connectivity: 'online', needsPscSignIn: false, syncing: { folder: 'INBOX', done: 10, total: 100 }, lastSyncAt: 1, message: null },
  'mail.folders': { folders: [{ path: 'INBOX', name: 'INBOX', specialUse: '\\Inbox', total: 10, unread: 2 }] },
  'mail.list': { total: 1, items: [{ id: 1, folder: 'INBOX', date: 1, from: 'Dr Durand <dr.durand@hopital.mssante.fr>', to: ['dr.martin@medecin.mssante.fr'], subject: 'CR', snippet: 'Bonjour', seen: false, flagged: false, answered: false, hasAttachments: true, patientId: null, receipt: 'none' }] },
  'mail.search': { items: [{ id: 1, folder: 'INBOX', date: 1, from: 'Dr Durand <dr.durand@hopital.mssante.fr>', to: ['dr.martin@medecin.mssante.fr'], subject: 'CR', snippet: 'Bonjour', seen: false, flagged: false, answered: false, hasAttachments: true, patientId: null, receipt: 'none' }] },
  'mail.get': { ...{ id: 1, folder: 'INBOX', date: 1, from: 'Dr Durand <dr.durand@hopital.mssante.fr>', to: ['dr.martin@medecin.mssante.fr'], subject: 'CR', snippet: 'Bonjour', seen: false, flagged: false, answered: false, hasAttachments: true, patientId: null, receipt: 'none' }, cc: [], messageId: '<a@b>', bodyText: 'Bonjour', bodyHtml: null, remoteContentBlocked: false, mimeError: null, attachments: [{ id: 2, filename: 'cr.pdf', mime: 'application/pdf', size: 10 }], readReceipt: 'asked', receipts: [], xdm: null },
  'mail.setSeen': {},
  'mail.setFlagged': {},
  'mail.attachment': { filename: 'cr.pdf', mime: 'application/pdf', dataBase64: 'JVBERg==' },
  'mail.remoteContent': { bodyHtml: '<p>x</p>' },
  'mail.answerReadReceipt': {},
  'mail.syncNow': {},
  'directory.status': { count: 0, importedAt: null, source: null, downloadConfigured: false, filePickerAvailable: false, import: { state: 'idle', bytesDone: 0, bytesTotal: null, lines: 0, rejected: 0, message: null } },
  'directory.import': { started: true },
  'directory.cancelImport': {},
  'directory.search': { entries: [{ address: 'dr.martin@medecin.mssante.fr', displayName: 'Dr Martin', type: 'PER', rpps: '10001234567', profession: 'Médecin', specialty: null, organisation: null, city: 'Lyon' }] },
  'psc.status': { configured: true, state: 'signed-in', identity: { idNat: '810012345678', displayName: 'Dr Martin' }, expiresAt: 1, message: null },
  'psc.signIn': { openUrl: 'http://127.0.0.1:4000/auth?x=1' },
  'psc.cancel': {},
  'psc.signOut': {},
  'diagnostics.reportRendererError': {},
  'patients.search': { patients: [patientView] },
  'patients.get': { ok: true, patient: patientView, history: [{ id: 1, at: 1, actor: '810012345678', action: 'create', field: 'status', oldValue: null, newValue: 'provisoire' }] },
  'patients.create': { ok: false, code: 'traits-invalid', message: 'Les traits…', problems: [{ field: 'birthDate', message: 'Date…' }] },
  'patients.edit': { ok: true, patient: patientView },
  'patients.recordDocumentCheck': { ok: false, code: 'version-conflict', message: 'Ce dossier a été modifié…' },
  'patients.insiLookup': {
    ok: true,
    operation: 'recherche',
    code: '00',
    label: 'OK',
    identity: { ins: patientView.ins, traits: { birthName: 'DUPONT', firstNames: ['JEAN', 'PIERRE'], sex: 'M', birthDate: '1980-02-01', birthPlace: '75056' }, history: [] },
    differences: ['birthPlace'],
    token: 'cccccccccccccccccccccccccccccccc',
    expiresAt: 1_700_000_600_000,
  },
  'patients.insiConfirm': { ok: true, patient: patientView },
  'patients.importCsv': { ok: true, report: { total: 2, imported: [{ line: 2, patientId: 1 }], refused: [{ line: 3, reasons: ['Sexe…'] }], ignoredColumns: [], fileProblem: null } },
  'patients.proposeMerge': { ok: true, token: 'dddddddddddddddddddddddddddddddd', expiresAt: 1, kept: patientView, retired: { ...patientView, id: 2, ins: null }, differences: [], warnings: [] },
  'patients.confirmMerge': { ok: true, keptId: 1, retiredId: 2, movedMessages: 0, movedDocuments: 0 },
};

function spyHandlers() {
  const spies = Object.fromEntries(
    methodNames.map((name) => [name, vi.fn(async () => validOutputs[name])]),
  ) as unknown as { [M in MethodName]: ReturnType<typeof vi.fn> };
  return { spies, handlers: spies as unknown as Handlers };
}

/** Hand-made hostile shapes, on top of fast-check's arbitrary values. */
function structuralMutations(valid: Record<string, unknown>): unknown[] {
  const out: unknown[] = [undefined, null, 0, '', 'x', [], [valid], true, { ...valid, extra: 1 }, { __proto__: { locale: 'fr' } }];
  for (const key of Object.keys(valid)) {
    const { [key]: _dropped, ...rest } = valid;
    out.push(rest);
    for (const junk of [null, 42, 'x'.repeat(10_000), {}, [], true]) out.push({ ...valid, [key]: junk });
  }
  return out;
}

describe('router', () => {
  for (const method of methodNames) {
    describe(method, () => {
      it('passes a valid input to its service and returns a valid output', async () => {
        const { spies, handlers } = spyHandlers();
        const router = createRouter(handlers, { trustedOrigins: new Set([trusted.origin]), log: silentLogger });
        const result = await router.call(method, validInputs[method], trusted);
        expect(result).toEqual({ ok: true, value: validOutputs[method] });
        expect(spies[method]).toHaveBeenCalledTimes(1);
      });

      it('refuses every malformed input with INVALID_INPUT before the service runs', async () => {
        const { spies, handlers } = spyHandlers();
        const router = createRouter(handlers, { trustedOrigins: new Set([trusted.origin]), log: silentLogger });
        const schema = methods[method].input;
        const hand = structuralMutations(validInputs[method] as Record<string, unknown>).filter((v) => !schema.safeParse(v).success);
        const generated = fc
          .sample(fc.anything({ withNullPrototype: true, withObjectString: true, maxDepth: 3 }), { numRuns: 300, seed: 42 })
          .filter((v) => !schema.safeParse(v).success);
        const bad = [...hand, ...generated];
        expect(bad.length).toBeGreaterThan(200);
        for (const input of bad) {
          const result = await router.call(method, input, trusted);
          expect(result.ok).toBe(false);
          if (!result.ok) expect(result.error.code).toBe('INVALID_INPUT');
        }
        expect(spies[method]).not.toHaveBeenCalled();
      });

      it('refuses a call from an untrusted origin or a sub-frame', async () => {
        const { spies, handlers } = spyHandlers();
        const router = createRouter(handlers, { trustedOrigins: new Set([trusted.origin]), log: silentLogger });
        for (const ctx of [
          { origin: 'https://evil.example', isMainFrame: true },
          { origin: 'null', isMainFrame: true },
          { origin: 'app://caducee', isMainFrame: false },
        ]) {
          const result = await router.call(method, validInputs[method], ctx);
          expect(result).toEqual({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
        }
        expect(spies[method]).not.toHaveBeenCalled();
      });
    });
  }

  it('refuses unknown and inherited method names', async () => {
    const { spies, handlers } = spyHandlers();
    const router = createRouter(handlers, { trustedOrigins: new Set([trusted.origin]), log: silentLogger });
    for (const name of ['nope', 'toString', '__proto__', 'constructor', 42, null, undefined, { method: 'status.get' }]) {
      expect(await router.call(name, {}, trusted)).toEqual({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    }
    for (const spy of Object.values(spies)) expect(spy).not.toHaveBeenCalled();
  });

  it('reports the offending field paths, never their values', async () => {
    const { handlers } = spyHandlers();
    const router = createRouter(handlers, { trustedOrigins: new Set([trusted.origin]), log: silentLogger });
    const result = await router.call('settings.update', { locale: 'DUPONT Jean 1850775123456' }, trusted);
    expect(result).toEqual({ ok: false, error: { code: 'INVALID_INPUT', fields: ['locale'] } });
    expect(JSON.stringify(result)).not.toContain('DUPONT');
  });

  it('turns a ServiceError into its code and a crash into INTERNAL without leaking the message', async () => {
    const { spies, handlers } = spyHandlers();
    const warn = vi.fn();
    const error = vi.fn();
    const log = { ...silentLogger, warn, error };
    const router = createRouter(handlers, { trustedOrigins: new Set([trusted.origin]), log });
    spies['settings.update'].mockRejectedValueOnce(new ServiceError('POLICY_LOCKED', 'locale locked'));
    expect(await router.call('settings.update', { locale: 'fr' }, trusted)).toEqual({ ok: false, error: { code: 'POLICY_LOCKED' } });
    spies['status.get'].mockRejectedValueOnce(new Error('patient DUPONT'));
    expect(await router.call('status.get', {}, trusted)).toEqual({ ok: false, error: { code: 'INTERNAL' } });
    expect(JSON.stringify(error.mock.calls)).not.toContain('DUPONT');
  });

  it('refuses an output that breaks the contract', async () => {
    const { spies, handlers } = spyHandlers();
    const router = createRouter(handlers, { trustedOrigins: new Set([trusted.origin]), log: silentLogger });
    spies['status.get'].mockResolvedValueOnce({ card: { state: 'weird' }, network: 'online', pendingJobs: -1 });
    expect(await router.call('status.get', {}, trusted)).toEqual({ ok: false, error: { code: 'INVALID_OUTPUT' } });
  });
});
