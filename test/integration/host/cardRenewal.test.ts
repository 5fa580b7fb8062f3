import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardView } from '../../../shared/api/index.js';
import type { Host } from '../../../electron/host/createHost.js';
import { createTestCard, pullToken, type TestCard } from '../../peers/softhsm/createTestCard.js';
import { tempDir } from '../card/helpers.js';
import { callHost, hostOnTestCard, until } from './support.js';

/**
 * Card renewal on real tokens: signed in with the old card, the vault is transferred to the
 * practitioner's new card (its own PIN, once); the old card is pulled; the new card alone then
 * opens the same vault — no recovery code needed. Another practitioner's card is refused.
 */
let oldCard: TestCard;
let newCard: TestCard;
let strangerCard: TestCard;
let host: Host;
let newSlot = '';
let dataDir = '';

const call = (method: string, input: unknown): Promise<unknown> => callHost(host, method, input);

// A state wait, not a timing claim (the 2 s removal bound is asserted in cardVaultSession.test.ts):
// generous, so a loaded CI machine does not fail it.
const waitFor = async (predicate: (view: CardView) => boolean): Promise<CardView> =>
  (await until(() => callHost<CardView>(host, 'card.getState', {}), predicate, 10_000)).value;

beforeAll(async () => {
  const dir = tempDir('renewal');
  oldCard = await createTestCard(dir, 'valid', { tokenLabel: 'CPS ANCIENNE' });
  // Same practitioner (idNat); the first name spelled differently only so the test can tell the cards apart.
  newCard = await createTestCard(dir, 'valid', { tokenLabel: 'CPS NOUVELLE', freshKeys: true, practitioner: { firstName: 'Jeanne Marie' } });
  strangerCard = await createTestCard(dir, 'valid', { tokenLabel: 'CPS AUTRE', freshKeys: true, practitioner: { rpps: '10100000025', lastName: 'AUTRE-TEST' } });
  dataDir = tempDir('renewal-data');
  host = startHost();
  await host.ready;
});

// The three tokens share one SoftHSM2 configuration and trust anchors: the old card's serve.
const startHost = (): Host => hostOnTestCard(oldCard, dataDir);

afterAll(async () => {
  await host.close();
});

describe('card renewal', () => {
  it('transfers the vault to the new card while signed in with the old one', async () => {
    const present = await waitFor((v) => v.state === 'present' && v.otherSlots.length === 2);
    if (present.state !== 'present') throw new Error('no card');
    // Sign in with the old card, whichever slot it is in.
    const slots = [present.slotId, ...present.otherSlots];
    let oldSlot = '';
    for (const slot of slots) {
      await call('card.selectSlot', { slotId: slot });
      const view = (await call('card.getState', {})) as CardView;
      if (view.state === 'present' && view.check.kind === 'ok' && view.check.practitioner.firstName === 'Jeanne' && view.check.practitioner.lastName === 'HÉBERT-TEST') {
        const result = (await call('card.signIn', { pin: oldCard.pin, slotId: slot })) as { result: string };
        if (result.result === 'signed-in') {
          oldSlot = slot;
          break;
        }
      }
    }
    expect(oldSlot).not.toBe('');
    const signedIn = await waitFor((v) => v.state === 'signed-in' && v.otherSlots.length === 2);
    if (signedIn.state !== 'signed-in') throw new Error('not signed in');

    // Try the other two cards: the stranger's is refused, the practitioner's new card accepted.
    const outcomes: string[] = [];
    for (const slot of signedIn.otherSlots) {
      const result = (await call('vault.transferToCard', { slotId: slot, pin: '1234' })) as { result: string };
      outcomes.push(result.result);
      if (result.result === 'transferred') newSlot = slot;
    }
    expect(outcomes.sort()).toEqual(['other-practitioner', 'transferred']);
    expect(((await call('card.getState', {})) as CardView).state).toBe('signed-in');
  });

  it('opens the same vault with the new card alone once the old card is gone', async () => {
    // The old card (and the stranger's) leave while Caducée is closed, as after a weekend; a
    // fresh start sees only the new card. (Removal while running: cardVaultSession.test.ts.)
    await host.close();
    pullToken(oldCard);
    pullToken(strangerCard);
    host = startHost();
    await host.ready;
    const present = await waitFor((v) => v.state === 'present' && v.otherSlots.length === 0);
    if (present.state !== 'present' || present.check.kind !== 'ok') throw new Error('new card not seen');
    newSlot = present.slotId;
    expect(await call('card.signIn', { pin: newCard.pin, slotId: newSlot })).toEqual({ result: 'signed-in' });
  });
});
