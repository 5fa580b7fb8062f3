import type { InsMode } from '../identity/insOid.js';
import { matchXdm, readXdm } from '../mail/xdm/readXdm.js';
import { XdmError } from '../mail/xdm/xdmErrors.js';
import type { Logger } from '../policy/logger.js';
import type { Vault } from '../vault/client.js';

/** What the reading pane says about a received IHE_XDM archive, by verdict. */
export const XDM_MESSAGES = {
  linked: 'Document rattaché automatiquement au dossier du patient (INS et traits d’identité identiques).',
  'to-review': 'Patient à vérifier : l’identité du document ne correspond pas exactement à un patient de ce poste. Rien n’a été rattaché.',
  'unknown-patient': 'Patient inconnu sur ce poste : le document n’a été rattaché à aucun dossier.',
  missing: 'L’archive IHE_XDM.ZIP annoncée est introuvable dans le message.',
} as const;

const BATCH = 20;

/**
 * Runs the patient matcher on the archives the parser left `pending`: `linked` only on an exact
 * match (the matcher's `attach`), `to-review` when there are candidates (never attached on a
 * guess), `unknown-patient` otherwise; a refused archive becomes `invalid` with its reason.
 * Returns the folders whose messages changed. Logs counts and codes only.
 */
export async function matchPendingXdm(args: { vault: Vault; mode: InsMode; log: Logger; maxBatches?: number }): Promise<string[]> {
  const { vault, mode, log } = args;
  const folders = new Set<string>();
  const counts = { linked: 0, 'to-review': 0, 'unknown-patient': 0, invalid: 0 };
  for (let batch = 0; batch < (args.maxBatches ?? 50); batch += 1) {
    const pending = await vault.mailboxPendingXdm(BATCH);
    if (pending.length === 0) break;
    for (const p of pending) {
      let verdict: { match: 'linked' | 'to-review' | 'unknown-patient' | 'invalid'; message: string; patientId: number | null };
      const attachment = p.attachmentId === null ? null : await vault.mailboxAttachment(p.attachmentId);
      if (attachment === null) verdict = { match: 'invalid', message: XDM_MESSAGES.missing, patientId: null };
      else {
        try {
          const content = await readXdm(Buffer.from(attachment.data));
          const result = await matchXdm(vault, content, mode);
          verdict =
            result.decision === 'attach' && result.patientId !== null
              ? { match: 'linked', message: XDM_MESSAGES.linked, patientId: result.patientId }
              : result.decision === 'no-match'
                ? { match: 'unknown-patient', message: XDM_MESSAGES['unknown-patient'], patientId: null }
                : { match: 'to-review', message: XDM_MESSAGES['to-review'], patientId: null };
        } catch (error) {
          if (!(error instanceof XdmError)) throw error;
          log.warn('mail.xdm.refused', { code: error.code, message: p.messageId });
          verdict = { match: 'invalid', message: error.userMessage, patientId: null };
        }
      }
      await vault.mailboxSetXdmMatch({ messageId: p.messageId, ...verdict });
      counts[verdict.match] += 1;
      const loc = await vault.messageLocation(p.messageId);
      if (loc !== null) folders.add(loc.folder);
    }
  }
  if (folders.size > 0) log.info('mail.xdm.matched', counts);
  return [...folders];
}
