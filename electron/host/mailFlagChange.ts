import { ServiceError } from '../../shared/api/index.js';
import type { Vault } from '../vault/client.js';
import type { MailSession } from './mailSession.js';
import type { OutboxSession } from './outboxSession.js';

export type MailFlag = '\\Seen' | '\\Flagged' | '\\Answered';

/**
 * One flag change, wherever the mailbox is: online, IMAP STORE then the vault (the sync does
 * both); unreachable, the vault now and an outbox job (`mail.flags`) that replays the STORE
 * later, in order, across locks and restarts; a local row (not on the server yet), the vault
 * only. Nothing the user did is lost. Returns the folder that changed (null: nothing to do).
 */
export async function changeFlag(deps: { vault: Vault; mail: MailSession; outbox: OutboxSession }, id: number, flag: MailFlag, on: boolean): Promise<string | null> {
  const { vault, mail, outbox } = deps;
  const loc = await vault.messageLocation(id);
  if (loc === null) throw new ServiceError('UNAVAILABLE', 'message not found');
  if (loc.flags.includes(flag) === on) return null;
  if (loc.uid !== null && (await mail.storeFlag(id, flag, on))) return loc.folder;
  const flags = new Set(loc.flags);
  if (on) flags.add(flag);
  else flags.delete(flag);
  await vault.setMessageFlags({ id, flags: [...flags].sort() });
  if (loc.uid !== null && outbox.current() !== undefined) await outbox.queueFlag({ messageRowId: id, folder: loc.folder, uid: loc.uid, flag, on });
  return loc.folder;
}
