import { X509Certificate } from 'node:crypto';
import { ServiceError, type SignInResult } from '../../shared/api/index.js';
import type { CardService } from '../card/cardService.js';
import type { VirtualCard } from '../card/virtualCard.js';
import type { Logger } from '../policy/logger.js';
import { VaultError } from '../vault/errors.js';
import { cardView, failedSignIn } from './cardViews.js';
import type { EventBus } from './eventBus.js';
import type { IdleLock } from './idleLock.js';
import type { Handlers } from './router.js';
import type { VaultSession } from './vaultSession.js';

type CardHandlers = Pick<Handlers, 'card.getState' | 'card.signIn' | 'card.signOut' | 'card.selectSlot' | 'vault.recover' | 'vault.transferToCard'>;

/**
 * Sign-in is one PIN, one C_Login, then the vault. A vault that cannot open signs the card out
 * again (nothing half-open) and says why, with the way out.
 */
export function createCardHandlers(options: {
  card: CardService;
  vault: VaultSession;
  events: EventBus;
  log: Logger;
  idle: IdleLock;
  virtualCard: VirtualCard | undefined;
  /** Runs once the vault is open (starts the outbox). A failure there does not undo the sign-in. */
  onSessionOpened?: () => Promise<void>;
}): CardHandlers {
  const { card, vault, events, log, idle } = options;
  card.on('state', (state) => events.emit('card.changed', cardView(state)));

  /** Signs in once, then runs `openVault`; a vault failure signs the card out again. */
  async function signInThen(pin: string, slotId: string | undefined, openVault: (idNat: string) => Promise<{ recoveryCode?: string }>): Promise<SignInResult> {
    const result = await card.signIn(pin, slotId);
    if (result.kind !== 'signed-in') return failedSignIn(result);
    try {
      const opened = await openVault(result.identity.profile.idNat.idNat);
      idle.start();
      await options.onSessionOpened?.().catch((error: unknown) =>
        log.error('session.open-hook-failed', { error: error instanceof Error ? error.name : 'unknown' }),
      );
      return { result: 'signed-in', ...opened };
    } catch (error) {
      await card.signOut().catch(() => undefined);
      if (error instanceof VaultError) {
        log.warn('vault.open-failed', { code: error.code });
        return { result: 'vault-error', code: error.code, message: error.userMessage };
      }
      const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'vault-error';
      const message = typeof error === 'object' && error !== null && 'userMessage' in error ? String(error.userMessage) : '';
      log.error('vault.open-crashed', { code, error: error instanceof Error ? error.name : 'unknown' });
      return { result: 'error', code, message: message || 'Le coffre local n’a pas pu être ouvert. Réessayez.' };
    }
  }

  return {
    'card.getState': async () => cardView(card.getState()),
    'card.signIn': ({ pin, slotId }) => signInThen(pin, slotId, (idNat) => vault.open(idNat)),
    'vault.recover': ({ pin, slotId, recoveryCode }) =>
      signInThen(pin, slotId, async (idNat) => {
        await vault.recover(idNat, recoveryCode);
        return {};
      }),
    'vault.transferToCard': async ({ slotId, pin }) => {
      const state = card.getState();
      if (state.state !== 'signed-in' || !vault.current()) throw new ServiceError('LOCKED', 'transfer while locked');
      const idNat = state.profile.idNat;
      try {
        const result = await card.withOtherCard(slotId, pin, (other) =>
          vault.transferTo(idNat, {
            publicKey: new X509Certificate(other.identity.authentication.der).publicKey,
            decrypt: (data) => other.decrypt(data, 'RSA-OAEP-SHA256'),
            sign: (data) => other.sign(data, 'RSA-PKCS1-SHA256'),
          }),
        );
        switch (result.kind) {
          case 'done':
            return { result: 'transferred' };
          case 'other-practitioner':
            return { result: 'other-practitioner', message: result.message };
          default:
            return failedSignIn(result);
        }
      } catch (error) {
        if (error instanceof VaultError) return { result: 'vault-error', code: error.code, message: error.userMessage };
        log.error('vault.transfer-failed', { error: error instanceof Error ? error.name : 'unknown' });
        return { result: 'error', code: 'card-error', message: 'Le transfert vers la nouvelle carte a échoué. Réessayez ; l’ancienne carte ouvre toujours le coffre.' };
      }
    },
    'card.signOut': async () => {
      await card.signOut();
      return {};
    },
    'card.selectSlot': async ({ slotId }) => {
      await card.selectSlot(slotId);
      return {};
    },
  };
}
