import { X509Certificate, verify } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardView } from '../../../shared/api/index.js';
import type { Host } from '../../../electron/host/createHost.js';
import { createTestCard, pullToken, reinsertToken, type TestCard } from '../../peers/softhsm/createTestCard.js';
import { tempDir } from '../card/helpers.js';
import { appCaller as ctx, callHost, hostOnTestCard, waitForCardState } from './support.js';

/**
 * The whole sign-in path of the product on the SoftHSM2 test card, through the same router the
 * renderer calls: PIN → C_Login → the vault created (recovery code shown once) and keyed by the
 * card → card pulled → vault closed, session locked → card back → same vault, no new code.
 */
let card: TestCard;
let host: Host;
let dataDir: string;
let recoveryCode = '';
let keysFile = '';

const call = (method: string, input: unknown): Promise<unknown> => callHost(host, method, input);
const waitForCard = (state: CardView['state'], timeoutMs = 3_000): Promise<number> => waitForCardState(host, state, timeoutMs);

beforeAll(async () => {
  card = await createTestCard(tempDir('host-card'), 'valid');
  dataDir = tempDir('host-data');
  host = hostOnTestCard(card, dataDir);
  await host.ready;
});

afterAll(async () => {
  await host.close();
});

describe('sign-in opens the vault with the card', () => {
  it('refuses a wrong PIN without opening anything, then signs in and creates the vault once', async () => {
    await waitForCard('present');
    const wrong = (await call('card.signIn', { pin: '9999' })) as { result: string };
    expect(wrong.result).toBe('wrong-pin');
    expect(fs.existsSync(path.join(dataDir, 'profile', 'vaults'))).toBe(false);

    const first = (await call('card.signIn', { pin: card.pin })) as { result: string; recoveryCode?: string };
    expect(first.result).toBe('signed-in');
    expect(first.recoveryCode).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){5}$/);
    const view = (await call('card.getState', {})) as CardView;
    expect(view).toMatchObject({ state: 'signed-in', practitioner: { idNat: `8${card.rpps}`, profession: 'Médecin' } });
    const found = fs.readdirSync(path.join(dataDir, 'profile', 'vaults'), { recursive: true }).map(String).find((f) => f.endsWith('vault-keys.json'));
    expect(found).toBeDefined();
    keysFile = path.join(dataDir, 'profile', 'vaults', found ?? '');
    recoveryCode = first.recoveryCode ?? '';
  });

  it('locks within 2 s of the card leaving, and reopens the same vault without a new code', async () => {
    pullToken(card);
    expect(await waitForCard('absent', 2_000)).toBeLessThan(2_000);
    reinsertToken(card);
    await waitForCard('present');
    const again = (await call('card.signIn', { pin: card.pin })) as { result: string; recoveryCode?: string };
    expect(again).toEqual({ result: 'signed-in' });
  });

  it('says the way out when the card copy of the key is unusable, and recovers with the code', async () => {
    await call('card.signOut', {});
    await waitForCard('present');
    // As after a card renewal without re-wrapping: the stored copy belongs to another card.
    const keys = JSON.parse(fs.readFileSync(keysFile, 'utf8')) as { card: { cardKeyId: string } };
    keys.card.cardKeyId = 'f'.repeat(64);
    fs.writeFileSync(keysFile, JSON.stringify(keys));
    const refused = (await call('card.signIn', { pin: card.pin })) as { result: string; code?: string; message?: string };
    expect(refused).toMatchObject({ result: 'vault-error', code: 'unwrap-failed' });
    expect(refused.message).toMatch(/code de récupération/);
    expect(((await call('card.getState', {})) as CardView).state).toBe('present');

    const wrongCode = (await call('vault.recover', { pin: card.pin, recoveryCode: 'AAAA-AAAA-AAAA-AAAA-AAAA-AAAA' })) as { result: string; code?: string };
    expect(wrongCode).toMatchObject({ result: 'vault-error', code: 'recovery-code-invalid' });
    const recovered = (await call('vault.recover', { pin: card.pin, recoveryCode })) as { result: string };
    expect(recovered).toEqual({ result: 'signed-in' });
    // Re-wrapped for this card: the card alone opens it again.
    await call('card.signOut', {});
    await waitForCard('present');
    expect(await call('card.signIn', { pin: card.pin })).toEqual({ result: 'signed-in' });
  });

  it('exports the audit trail signed by the card’s signature key, and refuses while locked', async () => {
    const exported = (await call('audit.export', {})) as { fileName: string; count: number; head: string };
    expect(exported.count).toBeGreaterThanOrEqual(4);
    const file = path.join(dataDir, 'profile', 'exports', exported.fileName);
    const bytes = fs.readFileSync(file);
    const lines = bytes.toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as { action: string; hash: string });
    expect(lines.map((l) => l.action)).toContain('vault.unlocked');
    expect(lines.at(-1)?.hash).toBe(exported.head);
    const sig = JSON.parse(fs.readFileSync(`${file}.sig`, 'utf8')) as { algorithm: string; signature: string; certificate: string };
    const cert = new X509Certificate(Buffer.from(sig.certificate, 'base64'));
    expect(cert.subject).toContain(`CN=8${card.rpps}`);
    expect(verify('sha256', bytes, cert.publicKey, Buffer.from(sig.signature, 'base64'))).toBe(true);
    expect(verify('sha256', Buffer.concat([bytes, Buffer.from('x')]), cert.publicKey, Buffer.from(sig.signature, 'base64'))).toBe(false);

    await call('card.signOut', {});
    expect(await host.router.call('audit.export', {}, ctx)).toEqual({ ok: false, error: { code: 'LOCKED' } });
  });

  it('keeps PINs, names and the RPPS out of the logs', () => {
    const logs = fs
      .readdirSync(path.join(dataDir, 'logs'))
      .map((f) => fs.readFileSync(path.join(dataDir, 'logs', f), 'utf8'))
      .join('\n');
    expect(logs).toContain('vault.opened');
    for (const secret of [card.rpps, 'HÉBERT', 'Jeanne', '"1234"', '9999', recoveryCode]) expect(logs).not.toContain(secret);
  });
});
