/**
 * The IMAP sync of one MSSanté mailbox (issue 7, points 3 and 8). Usage from the mail host:
 *
 *   const sync = createMailSync({ account, vault, log, parse: { workerFile: deps.mailParseWorkerFile } });
 *   sync.on('connection', (s) => …)          // 'online' | 'offline'
 *   sync.on('progress', (p) => …)            // { folder, done, total } of every folder sync, pushes included
 *   sync.on('changed', (r) => …)             // background sync (push, reconnect, periodic) changed a folder
 *   sync.on('parsed', ({ folders, ids }) => …) // bodies/attachments/receipts/XDM of these ids are ready: re-read
 *   sync.on('error', (e: MailSyncError) => …) // background failure; e.offline → offline banner, e.userMessage in French
 *   await sync.watch();    // INBOX synced, then IDLE on it; other folders resynced every 5 min
 *   await sync.syncAll();  // INBOX first, then every other folder, then back to IDLE on INBOX
 *   await sync.parseNow(id) before showing a message (it may still be `parse_state = 'pending'`)
 *   await sync.setSeen(id, true); await sync.setFlag(id, '\\Flagged', true);
 *   await sync.close();    // before the vault locks
 *
 * A sync resolves once the messages are fetched and listed (envelope: from, to, cc, subject,
 * date, flags; snippet and body empty until parsed). Parsing runs in a worker thread and
 * completes them in the vault; `parsed` tells when.
 */
export { createMailSync, toSequenceSet } from './mailSync.js';
export type { MailFolder, MailSync, MailSyncEvents, MailSyncOptions, MailSyncTimeouts, MailSyncVault, ParsedEvent, ParseOptions, SyncOptions, SyncProgress, SyncResult } from './types.js';
export { MailSyncError, type MailSyncErrorKind } from './errors.js';
export { MALFORMED_MARKER } from './malformed.js';
