import type { PscStatusView } from '../../shared/api/index.js';
import { ServiceError } from '../../shared/api/index.js';
import type { CardService, CardServiceState } from '../card/cardService.js';
import { createPscClient, PscError, type PscClient, type PscSession } from '../psc/index.js';
import type { Logger } from '../policy/logger.js';
import type { PscConfig } from './config.js';
import type { EventBus } from './eventBus.js';

/**
 * Opens PSC's authorization page in an app window and resolves with the URL of the redirect
 * back to the app (never loaded). Rejects when the user closes the window or `signal` aborts.
 * Provided by the Electron shell; absent in the web host.
 */
export type OpenAuthWindow = (
  authorizationUrl: string,
  isRedirect: (url: string) => boolean,
  options: {
    readonly allowedOrigins: readonly string[];
    readonly signal: AbortSignal;
    /** The signed-in card's authentication certificate: the one offered if PSC's page asks for a client certificate. */
    readonly cardCertificate?: { readonly serialHex: string; readonly issuerCn: string };
  },
) => Promise<string>;

/** The Pro Santé Connect session of the host (tokens in memory only). */
export interface PscSessionHost {
  status(): PscStatusView;
  /** Electron: opens the window and completes by itself (`openUrl: null`); web host: the URL to open. */
  signIn(): Promise<{ openUrl: string | null }>;
  cancel(): Promise<void>;
  signOut(): Promise<void>;
  /** A valid access token for the mail server; throws a PscError when signed out or expired. */
  accessToken(): Promise<string>;
  /** Web host: the provider redirected the browser back to `/psc/callback`. */
  completeCallback(url: string): Promise<void>;
  /** Whether `url` is this host's redirect URI (the web host's route asks before completing). */
  isCallback(url: string): boolean;
  /** Every status change (also sent as `psc.changed`); returns the unsubscribe function. */
  onChange(listener: (status: PscStatusView) => void): () => void;
  close(): Promise<void>;
}

/** RFC 8252 §7.1 private-use scheme; the Electron window intercepts it, nothing ever loads it. */
export const ELECTRON_REDIRECT_URI = 'fr.caducee.app:/psc/callback';
/** How long a refresh waits after a network failure before it is tried again. */
const RETRY_AFTER_FAILURE_MS = 30_000;
/** Refresh this long before the access token ends (the client refreshes within 60 s of it). */
const REFRESH_AHEAD_MS = 45_000;
const MIN_REFRESH_DELAY_MS = 5_000;
/** A sign-in left waiting (window forgotten, browser tab closed) ends by itself. */
const SIGN_IN_TIMEOUT_MS = 10 * 60_000;

const MESSAGES = {
  cardClosed: 'Session Pro Santé Connect fermée\u00a0: la session de la carte CPS a pris fin (verrouillage ou retrait).',
  cardChanged: 'Session Pro Santé Connect fermée\u00a0: une autre carte CPS est connectée.',
  windowClosed: 'Connexion à Pro Santé Connect annulée.',
  timedOut: 'La connexion à Pro Santé Connect n’a pas été terminée à temps. Recommencez.',
  failed: 'La connexion à Pro Santé Connect a échoué. Réessayez.',
} as const;

type CardLink = Pick<CardService, 'getState' | 'on' | 'off'>;

function signedInIdNat(state: CardServiceState): string | null {
  return state.state === 'signed-in' ? state.profile.idNat : null;
}

function stateOf(url: string): string | null {
  try {
    return new URL(url).searchParams.get('state');
  } catch {
    return null;
  }
}

function displayName(session: PscSession): string {
  const { givenName, familyName } = session.identity;
  return [givenName, familyName].filter(Boolean).join(' ') || session.identity.idNat;
}

/**
 * The product around the PSC client (electron/psc): one sign-in at a time, only while a card
 * session is open and for the card's own professional; the session ends with the card session;
 * the access token is refreshed ahead of its end while the refresh token is valid, and when the
 * provider refuses the refresh the state becomes `expired` (STANDARDS.md §3 CONF.10/11: the
 * mail session listens to `onChange` and ends cleanly). Every change is emitted as `psc.changed`.
 */
/** The signed-in card's certificate, as the PSC window needs it to pick the card among the OS's certificates. */
function cardCertificateOf(card: Pick<CardService, 'getState'>): { cardCertificate?: { serialHex: string; issuerCn: string } } {
  const state = card.getState();
  return state.state === 'signed-in' ? { cardCertificate: { serialHex: state.profile.serialHex, issuerCn: state.profile.issuerCn } } : {};
}

export function createPscSessionHost(options: {
  config: PscConfig | undefined;
  hostKind: 'electron' | 'web';
  log: Logger;
  events: EventBus;
  card: CardLink;
  openAuthWindow?: OpenAuthWindow;
  /** Tests: refresh delays; default the constants above. */
  timing?: { refreshAheadMs?: number; retryAfterFailureMs?: number; minRefreshDelayMs?: number; signInTimeoutMs?: number };
}): PscSessionHost {
  const { config, log, events, card } = options;
  const refreshAheadMs = options.timing?.refreshAheadMs ?? REFRESH_AHEAD_MS;
  const retryAfterFailureMs = options.timing?.retryAfterFailureMs ?? RETRY_AFTER_FAILURE_MS;
  const minRefreshDelayMs = options.timing?.minRefreshDelayMs ?? MIN_REFRESH_DELAY_MS;
  const signInTimeoutMs = options.timing?.signInTimeoutMs ?? SIGN_IN_TIMEOUT_MS;

  const client = buildClient();
  const listeners = new Set<(status: PscStatusView) => void>();
  let status: PscStatusView = { configured: client !== undefined, state: 'signed-out', identity: null, expiresAt: null, message: null };
  let session: PscSession | undefined;
  /** The card professional a pending sign-in or the session belongs to. */
  let boundIdNat: string | null = null;
  /** The `state` of the waiting sign-in: a callback without it leaves the sign-in waiting. */
  let pendingState: string | undefined;
  /** Bumped by every start, cancel and end: a late completion of an older attempt is dropped. */
  let attempt = 0;
  let windowAbort: AbortController | undefined;
  let refreshTimer: NodeJS.Timeout | undefined;
  let waitTimer: NodeJS.Timeout | undefined;
  let closed = false;

  function buildClient(): PscClient | undefined {
    if (!config) return undefined;
    const redirectUri = config.redirectUri ?? (options.hostKind === 'electron' ? ELECTRON_REDIRECT_URI : undefined);
    if (!redirectUri) {
      log.error('psc.config-invalid', { cause: 'web host without redirect URI' });
      return undefined;
    }
    try {
      return createPscClient({
        issuer: config.issuer,
        ...(config.discoveryUrl ? { discoveryUrl: config.discoveryUrl } : {}),
        clientId: config.clientId,
        redirectUri,
        ...(config.scope ? { scope: config.scope } : {}),
        ...(config.acrValues ? { acrValues: config.acrValues } : {}),
        ...(config.mailResource ? { resource: config.mailResource } : {}),
      });
    } catch (error) {
      log.error('psc.config-invalid', { code: error instanceof PscError ? error.code : 'unknown' });
      return undefined;
    }
  }

  function setStatus(next: Omit<PscStatusView, 'configured'>): void {
    status = { configured: client !== undefined, ...next };
    events.emit('psc.changed', status);
    for (const listener of [...listeners]) {
      try {
        listener(status);
      } catch (error) {
        log.error('psc.listener-failed', { error: error instanceof Error ? error.name : 'unknown' });
      }
    }
  }

  function signedOut(message: string | null): Omit<PscStatusView, 'configured'> {
    return { state: 'signed-out', identity: null, expiresAt: null, message };
  }

  function signedInView(current: PscSession): Omit<PscStatusView, 'configured'> {
    return { state: 'signed-in', identity: { idNat: current.identity.idNat, displayName: displayName(current) }, expiresAt: current.expiresAt ?? null, message: null };
  }

  function stopRefresh(): void {
    clearTimeout(refreshTimer);
    refreshTimer = undefined;
  }

  function scheduleRefresh(current: PscSession, delayMs?: number): void {
    stopRefresh();
    if (closed || session !== current) return;
    const expiresAt = current.expiresAt;
    if (expiresAt === undefined) return;
    const delay = delayMs ?? Math.max(minRefreshDelayMs, expiresAt - Date.now() - refreshAheadMs);
    refreshTimer = setTimeout(() => void refreshNow(current), delay);
    refreshTimer.unref();
  }

  // Keeps the session alive while the mail is idle, and finds out early when the provider no
  // longer accepts the refresh token, so the mail session ends at once rather than at its next
  // connection.
  async function refreshNow(current: PscSession): Promise<void> {
    try {
      await current.accessToken();
      if (session !== current) return;
      if (current.expiresAt !== status.expiresAt) setStatus(signedInView(current));
      scheduleRefresh(current);
    } catch (error) {
      if (session !== current) return;
      if (error instanceof PscError && error.code === 'psc-unreachable') {
        log.warn('psc.refresh-deferred', { code: error.code });
        scheduleRefresh(current, retryAfterFailureMs);
      }
      // Any other failure ended the session: its onEnded listener has set the state.
    }
  }

  /** Drops the session and the pending sign-in (tokens revoked best-effort), then sets `next`. */
  async function end(next: Omit<PscStatusView, 'configured'>, reason: string): Promise<void> {
    attempt += 1;
    windowAbort?.abort();
    windowAbort = undefined;
    clearTimeout(waitTimer);
    stopRefresh();
    const current = session;
    session = undefined;
    boundIdNat = null;
    pendingState = undefined;
    const wasActive = status.state !== 'signed-out' || current !== undefined;
    if (wasActive) log.info('psc.session-ended', { reason });
    setStatus(next);
    await client?.signOut().catch((error: unknown) => log.warn('psc.sign-out-failed', { error: error instanceof Error ? error.name : 'unknown' }));
  }

  function userMessageOf(error: unknown): string {
    return error instanceof PscError ? error.userMessage : MESSAGES.failed;
  }

  async function complete(url: string, mine: number): Promise<void> {
    if (!client) throw new PscError('no-pending-sign-in', 'not configured');
    if (mine !== attempt || status.state !== 'waiting' || boundIdNat === null || !pendingState) {
      throw new PscError('no-pending-sign-in', 'no sign-in waiting');
    }
    // A forged or stale callback (any local page can reach the web host's route) must not
    // consume the sign-in the user is doing: the client would forget it whatever the outcome.
    if (stateOf(url) !== pendingState) {
      log.warn('psc.callback-refused', { cause: 'state differs' });
      throw new PscError('state-mismatch', 'state differs');
    }
    pendingState = undefined;
    const expectedIdNat = boundIdNat;
    let next: PscSession;
    try {
      next = await client.completeSignIn(url, { expectedIdNat });
    } catch (error) {
      if (mine === attempt) {
        const code = error instanceof PscError ? error.code : 'unknown';
        log.warn('psc.sign-in-failed', { code, ...(error instanceof PscError ? { cause: error.technicalCause } : {}) });
        await end(signedOut(userMessageOf(error)), code);
      }
      throw error;
    }
    // The card session ended (or another attempt began) while the tokens were being fetched.
    if (mine !== attempt || signedInIdNat(card.getState()) !== expectedIdNat) {
      await next.signOut();
      throw new PscError('no-pending-sign-in', 'superseded during completion');
    }
    session = next;
    windowAbort = undefined;
    clearTimeout(waitTimer);
    next.onEnded((reason) => {
      if (session !== next) return; // ended by us: end() has set the state already
      // boundIdNat stays: the expired state belongs to this card session and ends with it.
      session = undefined;
      stopRefresh();
      log.warn('psc.session-expired', { code: reason.code, cause: reason.technicalCause });
      setStatus({ state: 'expired', identity: null, expiresAt: null, message: reason.userMessage });
    });
    log.info('psc.signed-in', { acr: next.identity.acr });
    setStatus(signedInView(next));
    scheduleRefresh(next);
  }

  const onCardState = (state: CardServiceState): void => {
    if (boundIdNat === null) return;
    const idNat = signedInIdNat(state);
    if (idNat === boundIdNat) return;
    if (idNat === null) void end(signedOut(status.state === 'signed-out' ? null : MESSAGES.cardClosed), 'card-session-ended');
    else void end(signedOut(MESSAGES.cardChanged), 'card-changed');
  };
  card.on('state', onCardState);

  return {
    status: () => status,

    async signIn() {
      if (!client) throw new ServiceError('UNAVAILABLE', 'psc not configured');
      const idNat = signedInIdNat(card.getState());
      if (idNat === null) throw new ServiceError('LOCKED', 'psc sign-in without a card session');
      // A new sign-in replaces whatever was there (a window left open, an expired session).
      if (status.state !== 'signed-out' || session) await end(signedOut(null), 'new-sign-in');
      const mine = attempt;
      boundIdNat = idNat;
      setStatus({ state: 'waiting', identity: null, expiresAt: null, message: null });
      let authorizationUrl: string;
      try {
        const pending = await client.beginSignIn();
        authorizationUrl = pending.authorizationUrl;
        if (mine === attempt) pendingState = pending.state;
      } catch (error) {
        log.warn('psc.sign-in-start-failed', { code: error instanceof PscError ? error.code : 'unknown' });
        if (mine === attempt) await end(signedOut(userMessageOf(error)), 'start-failed');
        throw new ServiceError('UNAVAILABLE', 'psc sign-in could not start');
      }
      if (mine !== attempt) throw new ServiceError('UNAVAILABLE', 'psc sign-in superseded');
      log.info('psc.sign-in-started', { hostKind: options.hostKind });
      waitTimer = setTimeout(() => {
        if (mine === attempt && status.state === 'waiting') void end(signedOut(MESSAGES.timedOut), 'sign-in-timed-out');
      }, signInTimeoutMs);
      waitTimer.unref();
      if (!options.openAuthWindow) return { openUrl: authorizationUrl };

      const abort = new AbortController();
      windowAbort = abort;
      const allowedOrigins = [...new Set([new URL(authorizationUrl).origin, new URL(config?.issuer ?? authorizationUrl).origin])];
      void options
        .openAuthWindow(authorizationUrl, (url) => client.isRedirect(url), { allowedOrigins, signal: abort.signal, ...cardCertificateOf(options.card) })
        .then(
          (callbackUrl) =>
            complete(callbackUrl, mine).catch(async (error: unknown) => {
              // Refused before the client saw it (state): nothing else will end this attempt.
              if (mine === attempt && status.state === 'waiting') await end(signedOut(userMessageOf(error)), 'callback-refused');
            }),
          async () => {
            // The user closed the window (or we aborted it): nothing to report beyond the state.
            if (mine !== attempt) return;
            log.info('psc.window-closed');
            await end(signedOut(MESSAGES.windowClosed), 'window-closed');
          },
        )
        .catch(() => undefined); // the state says what happened; causes are logged
      return { openUrl: null };
    },

    async cancel() {
      if (status.state === 'waiting') await end(signedOut(MESSAGES.windowClosed), 'cancelled');
    },

    async signOut() {
      await end(signedOut(null), 'signed-out');
    },

    async accessToken() {
      const current = session;
      if (!current) throw new PscError('session-ended', `no session (${status.state})`);
      const token = await current.accessToken();
      // A refresh asked by the mail session moves the end of the token: show it, plan the next.
      if (session === current && current.expiresAt !== undefined && current.expiresAt !== status.expiresAt) {
        setStatus(signedInView(current));
        scheduleRefresh(current);
      }
      return token;
    },

    async completeCallback(url) {
      await complete(url, attempt);
    },

    isCallback: (url) => client?.isRedirect(url) ?? false,

    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async close() {
      card.off('state', onCardState as (...args: never[]) => void);
      await end(signedOut(null), 'shutdown');
      closed = true;
      listeners.clear();
    },
  };
}
