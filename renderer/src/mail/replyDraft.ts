import type { MailMessageView } from '../../../shared/api/index.js';
import { emptyDraft, type ComposeDraft } from './composeDraft.js';
import { addressOf, quotedBody, replySubject } from './format.js';

/**
 * The draft of a reply: to the sender (or, from Sent, to the same recipients), « RE : »
 * subject, the original quoted under an intro line, the same patient, In-Reply-To by id.
 */
export function replyDraft(message: MailMessageView, intro: string, fromSent: boolean): ComposeDraft {
  const sender = addressOf(message.from);
  const to = fromSent ? message.to.map(addressOf).filter((a): a is string => a !== null) : sender ? [sender] : [];
  return {
    ...emptyDraft,
    to,
    subject: replySubject(message.subject),
    text: quotedBody(intro, message.bodyText),
    patientId: message.patientId,
    replyToId: message.id,
  };
}
