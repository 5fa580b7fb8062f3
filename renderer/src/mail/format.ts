/** Display helpers of the messaging screens (pure: tested in format.test.ts). */

const intlLocale = (locale: string): string => (locale.startsWith('en') ? 'en-GB' : 'fr-FR');

function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** The list's date: the time today, day and month this year, the full date before. */
export function listDate(at: number, now: number, locale: string): string {
  const date = new Date(at);
  const today = new Date(now);
  if (sameDay(date, today)) return new Intl.DateTimeFormat(intlLocale(locale), { hour: '2-digit', minute: '2-digit' }).format(date);
  if (date.getFullYear() === today.getFullYear()) {
    return new Intl.DateTimeFormat(intlLocale(locale), { day: 'numeric', month: 'short' }).format(date);
  }
  return new Intl.DateTimeFormat(intlLocale(locale), { day: '2-digit', month: '2-digit', year: 'numeric' }).format(date);
}

/** The reading pane's date: « samedi 28 novembre 2026 à 15:40 ». */
export function fullDate(at: number, locale: string): string {
  return new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: 'full', timeStyle: 'short' }).format(new Date(at));
}

/** Sizes as French users read them: octets, Ko, Mo (1 Ko = 1 024 octets), decimal comma. */
export function fileSize(bytes: number, locale: string): string {
  const fr = !locale.startsWith('en');
  const units = fr ? ['octets', 'Ko', 'Mo', 'Go'] : ['bytes', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  const number = new Intl.NumberFormat(intlLocale(locale), { maximumFractionDigits: digits }).format(value);
  // A no-break space keeps the number and its unit together.
  return `${number}\u00a0${units[unit]}`;
}

/** `"Dr Anne Martin" <a.martin@x.fr>` → `Dr Anne Martin`; a bare address stays as it is. */
export function displayName(mailbox: string): string {
  const m = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(mailbox);
  if (!m) return mailbox.trim();
  const name = (m[1] ?? '').trim();
  return name === '' ? (m[2] ?? '').trim() : name;
}

/** The address part of a mailbox string, lower-cased; null when there is none. */
export function addressOf(mailbox: string): string | null {
  const angle = /<([^>]+)>/.exec(mailbox);
  const candidate = (angle ? angle[1] : mailbox)?.trim().toLowerCase() ?? '';
  return /^[^\s@]+@[^\s@]+$/.test(candidate) ? candidate : null;
}

/** « RE : » once, whatever the sender's client wrote (Re:, RE :, Réf. are left alone). */
export function replySubject(subject: string): string {
  const bare = subject.replace(/^\s*(re|tr|fwd?)\s*:\s*/i, (prefix) => (/^\s*re/i.test(prefix) ? '' : prefix));
  return `RE\u00a0: ${bare.trim()}`;
}

/** The original, quoted below the reply (« Le … , … a écrit : »). */
export function quotedBody(intro: string, text: string): string {
  const quoted = text
    .split(/\r?\n/)
    .map((line) => `> ${line}`)
    .join('\n');
  return `\n\n${intro}\n${quoted}\n`;
}
