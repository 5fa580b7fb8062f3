/**
 * Every refusal of an IHE_XDM.ZIP, read or built, as a code (for logs and tests: never a name,
 * an INS or a file content) and a French sentence for the user.
 */
export type XdmReadCode =
  | 'not-a-zip'
  | 'traversal'
  | 'duplicate-entry'
  | 'unsupported'
  | 'too-many-entries'
  | 'too-large'
  | 'ratio'
  | 'encrypted'
  | 'no-metadata'
  | 'bad-metadata'
  | 'xml-entities'
  | 'missing-document'
  | 'hash-mismatch';

export type XdmBuildCode = 'ins-not-qualified' | 'ins-invalid' | 'no-patient-id' | 'patient-mismatch' | 'bad-document' | 'bad-input';

export type XdmErrorCode = XdmReadCode | XdmBuildCode;

const MESSAGES: Record<XdmErrorCode, string> = {
  'not-a-zip': 'La pièce jointe IHE_XDM.ZIP n’est pas une archive ZIP lisible (fichier corrompu ou tronqué).',
  traversal: 'L’archive IHE_XDM.ZIP contient un chemin de fichier dangereux (chemin absolu, « .. », lien symbolique ou caractère interdit) : elle est refusée.',
  'duplicate-entry': 'L’archive IHE_XDM.ZIP contient deux fois le même fichier : elle est ambiguë et refusée.',
  unsupported: 'L’archive IHE_XDM.ZIP utilise une méthode de compression non prise en charge : elle est refusée.',
  'too-many-entries': 'L’archive IHE_XDM.ZIP contient trop de fichiers : elle est refusée par précaution.',
  'too-large': 'L’archive IHE_XDM.ZIP est trop volumineuse une fois décompressée : elle est refusée par précaution.',
  ratio: 'L’archive IHE_XDM.ZIP est anormalement compressée (possible « bombe zip ») : elle est refusée.',
  encrypted: 'L’archive IHE_XDM.ZIP contient des fichiers chiffrés par mot de passe : elle ne peut pas être lue.',
  'no-metadata': 'L’archive ne contient pas de fichier IHE_XDM/…/METADATA.XML : ce n’est pas une archive IHE XDM.',
  'bad-metadata': 'Le fichier METADATA.XML de l’archive IHE_XDM.ZIP est illisible ou incomplet.',
  'xml-entities': 'Le fichier METADATA.XML déclare une DTD ou des entités XML, interdites pour des raisons de sécurité : l’archive est refusée.',
  'missing-document': 'Un document annoncé dans METADATA.XML est absent de l’archive IHE_XDM.ZIP.',
  'hash-mismatch': 'Un document de l’archive IHE_XDM.ZIP ne correspond pas à son empreinte ou à sa taille déclarées : il a pu être altéré.',
  'ins-not-qualified': 'L’identité de ce patient n’est pas qualifiée : son INS ne peut pas être transmise. Qualifiez l’identité ou envoyez sans INS.',
  'ins-invalid': 'L’INS de ce patient est invalide ou refusée dans ce mode : l’archive IHE_XDM n’est pas construite.',
  'no-patient-id': 'Aucun identifiant patient transmissible (INS qualifiée ou identifiant local) : l’archive IHE_XDM ne peut pas être construite.',
  'patient-mismatch': 'Le document CDA concerne un autre patient (INS différente) : l’archive IHE_XDM n’est pas construite.',
  'bad-document': 'Le document à joindre n’est pas un document CDA lisible : l’archive IHE_XDM n’est pas construite.',
  'bad-input': 'Des informations nécessaires à l’archive IHE_XDM sont manquantes ou mal formées.',
};

export class XdmError extends Error {
  override readonly name = 'XdmError';
  readonly userMessage: string;
  constructor(
    readonly code: XdmErrorCode,
    /** Technical detail for logs: never health data. */
    readonly detail?: string,
  ) {
    super(detail === undefined ? `xdm:${code}` : `xdm:${code}: ${detail}`);
    this.userMessage = MESSAGES[code];
  }
}
