/** Typed INSi errors with French messages (the technical cause never holds a trait or an INS). */
export const insiErrorCodes = ['insi-config', 'insi-transport-refused', 'insi-timeout', 'insi-network', 'insi-http', 'insi-soap-fault', 'insi-bad-response'] as const;
export type InsiErrorCode = (typeof insiErrorCodes)[number];

const MESSAGES: Record<InsiErrorCode, string> = {
  'insi-config': 'Le téléservice INSi n’est pas configuré (adresse, certificat logiciel IGC-Santé ou numéro d’autorisation manquant) : contactez votre support informatique.',
  'insi-transport-refused': 'Connexion au téléservice INSi refusée : seule une adresse HTTPS est autorisée (HTTP uniquement vers ce poste, pour les tests).',
  'insi-timeout': 'Le téléservice INSi n’a pas répondu à temps. L’identité n’a pas été modifiée ; réessayez dans quelques instants.',
  'insi-network': 'Le téléservice INSi est injoignable (réseau ou certificat). L’identité n’a pas été modifiée ; vérifiez la connexion et réessayez.',
  'insi-http': 'Le téléservice INSi a renvoyé une erreur inattendue. L’identité n’a pas été modifiée ; réessayez plus tard.',
  'insi-soap-fault': 'Le téléservice INSi a refusé la demande.',
  'insi-bad-response': 'La réponse du téléservice INSi est illisible ou incohérente : elle n’a pas été prise en compte.',
};

export class InsiError extends Error {
  override name = 'InsiError';
  readonly userMessage: string;
  constructor(
    readonly code: InsiErrorCode,
    readonly technicalCause: string = code,
    /** For a SOAP fault: the service's own French explanation is appended. */
    serviceText?: string,
  ) {
    super(`${code}: ${technicalCause}`);
    this.userMessage = serviceText === undefined || serviceText === '' ? MESSAGES[code] : `${MESSAGES[code]} Motif : ${serviceText}`;
  }
}
