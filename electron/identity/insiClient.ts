import { randomUUID } from 'node:crypto';
import type { Logger } from '../policy/logger.js';
import { silentLogger } from '../policy/logger.js';
import { InsiAnswerError, parseInsiResponse, type InsiAnswer, type InsiIns, type InsiOperation } from './insiAnswer.js';
import { InsiError } from './insiErrors.js';
import { buildSearchRequest, buildVerifyRequest, INSI_ACTIONS, type InsiContext } from './insiSoap.js';
import { postSoap, type InsiTlsSettings } from './insiTransport.js';
import { decodeXmlText, parseXmlSafely, pick, text } from './xmlSafe.js';
import type { StrictTraits } from './strictTraits.js';

/**
 * The INSi teleservice behind an interface: the real client below, the simulator of
 * test/peers/insi in tests, a demo double in the demo mode.
 */
export interface InsiService {
  /** Search by strict traits. 00 = one identity (with INS), 01 = none, 02 = several. */
  rechercherIns(traits: StrictTraits): Promise<InsiAnswer>;
  /** Verify an INS against traits. [UNCONFIRMED] 00 = confirmed (with the identity), 01 = not. */
  verifierIns(ins: InsiIns, traits: StrictTraits): Promise<InsiAnswer>;
}

export interface InsiClientSettings extends InsiContext {
  readonly endpoint: string;
  readonly tls?: InsiTlsSettings;
  /** Per call (default 15 s). */
  readonly timeoutMs?: number;
}

/** The first names INSi is asked with, in order: each one alone, then all together. */
export function firstNameAttempts(firstNames: readonly string[]): string[] {
  const all = firstNames.join(' ');
  return firstNames.length <= 1 ? [all] : [...firstNames, all];
}

function faultText(body: string): string | undefined {
  // The service explains itself in siram:Erreur (padoa's fixtures) or a SOAP Reason.
  try {
    const doc = parseXmlSafely(body);
    const reason = text(pick(doc, 'Envelope', 'Body', 'Fault', 'Reason', 'Text'));
    const siram = /<(?:\w+:)?Erreur[^>]*>([^<]{1,300})<\//.exec(body)?.[1];
    const chosen = siram ?? reason;
    return chosen === undefined ? undefined : decodeXmlText(chosen);
  } catch {
    return undefined;
  }
}

export function createInsiClient(settings: InsiClientSettings, options: { log?: Logger; now?: () => number } = {}): InsiService {
  const log = options.log ?? silentLogger;
  const now = options.now ?? Date.now;
  if (settings.idam === '' || settings.endpoint === '') throw new InsiError('insi-config', 'idam or endpoint missing');

  async function call(operation: InsiOperation, body: (id: string, at: Date) => string): Promise<InsiAnswer> {
    const messageId = randomUUID();
    const started = now();
    const action = operation === 'recherche' ? INSI_ACTIONS.recherche : INSI_ACTIONS.verification;
    const reply = await postSoap({ url: settings.endpoint, action, body: body(messageId, new Date(started)), timeoutMs: settings.timeoutMs ?? 15_000, tls: settings.tls }).catch((e: unknown) => {
      if (e instanceof InsiError) log.warn('insi.failed', { operation, code: e.code, messageId });
      throw e;
    });
    if (reply.status >= 400) {
      const fault = faultText(reply.body);
      log.warn('insi.fault', { operation, status: reply.status, messageId });
      throw new InsiError(reply.status === 500 && fault !== undefined ? 'insi-soap-fault' : 'insi-http', `HTTP ${reply.status}`, fault);
    }
    try {
      const answer = parseInsiResponse(reply.body, operation, now());
      log.info('insi.answer', { operation, code: answer.code, ms: now() - started, messageId });
      return answer;
    } catch (e) {
      const reason = e instanceof InsiAnswerError ? e.reason : 'unparsable';
      log.warn('insi.bad-response', { operation, reason, messageId });
      throw new InsiError('insi-bad-response', reason);
    }
  }

  return {
    async rechercherIns(traits) {
      let last: InsiAnswer | null = null;
      for (const firstName of firstNameAttempts(traits.firstNames)) {
        last = await call('recherche', (id, at) => buildSearchRequest({ birthName: traits.birthName, firstName, sex: traits.sex, birthDate: traits.birthDate, birthPlace: traits.birthPlace }, settings, id, at));
        if (last.code !== '01') return last;
      }
      if (last === null) throw new InsiError('insi-config', 'no first name');
      return last;
    },
    verifierIns: (ins, traits) => call('verification', (id, at) => buildVerifyRequest(ins, traits, settings, id, at)),
  };
}
