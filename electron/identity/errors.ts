/**
 * Typed identity errors: a stable `code` for the contract and the logs, a French sentence for
 * the user. Never a name, an INS or a birth date in either (the technical cause is for the log).
 */
export const identityErrorCodes = [
  'traits-invalid',
  'ins-invalid',
  'oid-refused',
  'ins-already-registered',
  'patient-not-found',
  'patient-merged',
  'version-conflict',
  'strict-traits-locked',
  'status-not-allowed',
  'merge-same-patient',
  'merge-token-invalid',
  'merge-stale',
  'merge-different-ins',
  'insi-answer-refused',
  'insi-ins-conflict',
  'insi-no-single-identity',
] as const;
export type IdentityErrorCode = (typeof identityErrorCodes)[number];

const MESSAGES: Record<IdentityErrorCode, string> = {
  'traits-invalid': 'Les traits d’identité saisis sont incomplets ou mal formés.',
  'ins-invalid': 'Le matricule INS est invalide (format ou clé).',
  'oid-refused': 'Ce type d’INS n’est pas accepté dans ce mode (identité de test ou de démonstration).',
  'ins-already-registered': 'Cette INS est déjà enregistrée pour un autre patient : vérifiez s’il s’agit d’un doublon et fusionnez si besoin.',
  'patient-not-found': 'Patient introuvable.',
  'patient-merged': 'Ce dossier patient a été fusionné avec un autre : ouvrez le dossier conservé.',
  'version-conflict': 'Ce dossier a été modifié entre-temps : rechargez-le avant d’enregistrer.',
  'strict-traits-locked': 'Les traits stricts d’une identité obtenue par le téléservice INSi ne se modifient pas à la main : relancez une interrogation INSi si l’identité a changé.',
  'status-not-allowed': 'Ce statut ne peut pas être attribué ainsi : seule une réponse du téléservice INSi permet une identité récupérée ou qualifiée.',
  'merge-same-patient': 'Un dossier ne peut pas être fusionné avec lui-même.',
  'merge-token-invalid': 'Cette demande de fusion n’est plus valable (expirée, déjà utilisée ou inconnue) : relancez la fusion.',
  'merge-stale': 'L’un des deux dossiers a changé depuis la proposition de fusion : relancez la fusion pour revoir le résumé.',
  'merge-different-ins': 'Ces deux dossiers portent deux INS différentes : ce sont deux personnes distinctes pour l’Assurance maladie, la fusion est refusée.',
  'insi-answer-refused': 'Cette réponse ne provient pas du téléservice INSi ou n’est pas exploitable : le statut de l’identité n’est pas modifié.',
  'insi-ins-conflict': 'Le téléservice INSi renvoie une INS différente de celle enregistrée pour ce patient : vérifiez l’identité avant toute autre action.',
  'insi-no-single-identity': 'Le téléservice INSi n’a pas renvoyé une identité unique : rien n’est modifié.',
};

export class IdentityError extends Error {
  override name = 'IdentityError';
  readonly userMessage: string;
  constructor(
    readonly code: IdentityErrorCode,
    /** For the log: a field name, a refusal code… never a trait value. */
    readonly technicalCause: string = code,
    userMessage?: string,
  ) {
    super(`${code}: ${technicalCause}`);
    this.userMessage = userMessage ?? MESSAGES[code];
  }
}
