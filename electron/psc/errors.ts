/**
 * Typed Pro Santé Connect errors: a stable `code` (contract, logs), a French sentence for the
 * user and a technical cause for the log. No error carries a token, a name or a national id.
 */

export const pscErrorCodes = [
  'insecure-issuer',
  'invalid-redirect-uri',
  'discovery-failed',
  'no-pending-sign-in',
  'state-mismatch',
  'sign-in-refused',
  'token-exchange-failed',
  'acr-too-low',
  'userinfo-failed',
  'identity-mismatch',
  'psc-unreachable',
  'session-ended',
] as const;
export type PscErrorCode = (typeof pscErrorCodes)[number];

const MESSAGES: Record<PscErrorCode, string> = {
  'insecure-issuer': 'L’adresse de Pro Santé Connect doit être en HTTPS.',
  'invalid-redirect-uri': 'L’adresse de retour de Pro Santé Connect est mal configurée.',
  'discovery-failed': 'Pro Santé Connect est injoignable ou sa configuration est invalide. Réessayez plus tard.',
  'no-pending-sign-in': 'Aucune connexion Pro Santé Connect n’est en cours. Recommencez la connexion.',
  'state-mismatch':
    'La réponse de Pro Santé Connect ne correspond pas à la connexion en cours. Par sécurité, elle a été refusée : recommencez la connexion.',
  'sign-in-refused': 'La connexion à Pro Santé Connect a été refusée ou annulée.',
  'token-exchange-failed': 'Pro Santé Connect n’a pas validé la connexion. Recommencez la connexion.',
  'acr-too-low':
    'Le niveau d’authentification obtenu auprès de Pro Santé Connect est insuffisant (eIDAS substantiel requis). Connectez-vous avec votre carte CPS ou votre e-CPS.',
  'userinfo-failed': 'Impossible de lire votre identité auprès de Pro Santé Connect. Recommencez la connexion.',
  'identity-mismatch':
    'L’identité Pro Santé Connect ne correspond pas à la carte CPS insérée. Connectez-vous à Pro Santé Connect avec la même identité que la carte.',
  'psc-unreachable': 'Pro Santé Connect est injoignable. Vérifiez la connexion réseau.',
  'session-ended': 'Votre session Pro Santé Connect a expiré. Reconnectez-vous pour continuer.',
};

export class PscError extends Error {
  override name = 'PscError';
  readonly userMessage: string;
  constructor(
    readonly code: PscErrorCode,
    /** Technical cause for the log: an OAuth error code, a check name… never a token or an id. */
    readonly technicalCause: string,
  ) {
    super(`${code}: ${technicalCause}`);
    this.userMessage = MESSAGES[code];
  }
}
