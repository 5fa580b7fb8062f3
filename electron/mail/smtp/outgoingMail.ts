import MailComposer from 'nodemailer/lib/mail-composer';

/**
 * One outgoing message, as the outbox stores it. `messageId` and `date` are fixed when the
 * message is queued: every attempt, and the Sent copy, carry the same bytes and the same
 * Message-ID, which is what the exactly-once check searches.
 */
export interface OutgoingMail {
  readonly messageId: string;
  readonly date: number;
  readonly from: string;
  readonly to: readonly string[];
  readonly cc?: readonly string[] | undefined;
  readonly subject: string;
  readonly text: string;
}

/** Builds the RFC 5322 bytes once; the same buffer is submitted and, if needed, appended. */
export function composeRaw(mail: OutgoingMail): Promise<Buffer> {
  const composer = new MailComposer({
    messageId: mail.messageId,
    date: new Date(mail.date),
    from: mail.from,
    to: [...mail.to],
    ...(mail.cc === undefined ? {} : { cc: [...mail.cc] }),
    subject: mail.subject,
    text: mail.text,
    // Deterministic boundaries are not needed: the bytes are built once per attempt from the
    // same fields, and the check looks at the Message-ID only.
  });
  return composer.compile().build();
}

/** `<random@domain-of-sender>`: unique, and tied to the sender's domain (RFC 5322 §3.6.4). */
export function newMessageId(from: string, random: string): string {
  const domain = from.split('@')[1] ?? 'caducee.invalid';
  return `<${random}@${domain}>`;
}
