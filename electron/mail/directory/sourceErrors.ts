/**
 * Why an extraction could not be fetched or opened (download, ZIP), as a code for the log and
 * tests and a French sentence for the import screen. Every sentence ends by saying the present
 * directory is kept: a failed import never replaces it.
 */
export type DirectorySourceCode =
  | 'address-refused'
  | 'network'
  | 'http-status'
  | 'timeout'
  | 'truncated'
  | 'too-large'
  | 'not-a-zip'
  | 'no-extraction'
  | 'several-extractions'
  | 'unsafe-entry'
  | 'encrypted'
  | 'ratio'
  | 'unsupported';

const KEPT = ' L’annuaire actuel est conservé.';

const MESSAGES: Record<DirectorySourceCode, string> = {
  'address-refused': 'L’adresse de téléchargement de l’annuaire est refusée : seule une adresse https est acceptée.',
  network: 'Téléchargement de l’annuaire impossible : le serveur ne répond pas (réseau indisponible ou adresse inconnue).',
  'http-status': 'Le serveur de l’Annuaire Santé a répondu par une erreur',
  timeout: 'Le téléchargement de l’annuaire a dépassé le délai autorisé.',
  truncated: 'Le téléchargement de l’annuaire s’est interrompu avant la fin du fichier.',
  'too-large': 'Le fichier de l’annuaire dépasse la taille maximale acceptée : il est refusé par précaution.',
  'not-a-zip': 'Le fichier ZIP de l’annuaire est illisible ou endommagé.',
  'no-extraction': 'Le fichier ZIP ne contient pas d’extraction « Extraction_Correspondance_MSSante_….txt ».',
  'several-extractions': 'Le fichier ZIP contient plusieurs extractions « Extraction_Correspondance_MSSante » : impossible de choisir.',
  'unsafe-entry': 'Le fichier ZIP contient un chemin de fichier dangereux (chemin absolu, « .. » ou lien symbolique) : il est refusé.',
  encrypted: 'L’extraction contenue dans le fichier ZIP est protégée par un mot de passe : elle ne peut pas être lue.',
  ratio: 'Le fichier ZIP est anormalement compressé (possible « bombe zip ») : il est refusé.',
  unsupported: 'Le fichier ZIP utilise une méthode de compression non prise en charge.',
};

export class DirectorySourceError extends Error {
  override readonly name = 'DirectorySourceError';
  /** French, for the import screen. */
  readonly userMessage: string;
  constructor(
    readonly code: DirectorySourceCode,
    /** Technical detail for the log (no content of the file). */
    detail = '',
    /** The HTTP status, for `http-status`. */
    readonly httpStatus?: number,
  ) {
    super(detail === '' ? code : `${code}: ${detail}`);
    const base = MESSAGES[code];
    this.userMessage = code === 'http-status' ? `${base} (HTTP ${httpStatus ?? '?'}).${KEPT}` : `${base}${KEPT}`;
  }
}
