/**
 * Typed vault errors. Each carries a stable `code` (for the contract and the logs), a French
 * sentence for the user (with the way out when there is one) and a technical cause for the log.
 * No error ever carries a key, a recovery code, a name, an INS or an SQL parameter.
 */

export const vaultErrorCodes = [
  'wrong-key',
  'corrupt',
  'too-new',
  'driver-unencrypted',
  'unseal-failed',
  'unwrap-failed',
  'recovery-code-invalid',
  'keys-file-invalid',
  'locked',
  'vault-error',
] as const;
export type VaultErrorCode = (typeof vaultErrorCodes)[number];

const MESSAGES: Record<VaultErrorCode, string> = {
  'wrong-key':
    'La clé ne correspond pas à ce coffre : il a été créé avec une autre carte CPS ou une autre clé. Insérez la carte qui l’a créé, ou utilisez votre code de récupération.',
  corrupt:
    'Le coffre local est endommagé ou a été modifié en dehors de Caducée : il ne peut pas être ouvert. Vos données du serveur ne sont pas perdues ; contactez votre support informatique avant toute autre action.',
  'too-new':
    'Ce coffre a été créé par une version plus récente de Caducée. Installez la dernière version de Caducée pour l’ouvrir ; il n’a pas été modifié.',
  'driver-unencrypted':
    'Le module de chiffrement de la base locale est absent : Caducée refuse de démarrer plutôt que d’écrire des données en clair. Réinstallez Caducée.',
  'unseal-failed':
    'Le trousseau du système (coffre-fort du système d’exploitation) n’a pas pu déverrouiller la clé du coffre, par exemple après un changement de session ou de poste. Aucune donnée n’est perdue : ouvrez le coffre avec votre code de récupération, puis Caducée protégera à nouveau la clé.',
  'unwrap-failed':
    'Cette carte CPS ne peut pas ouvrir ce coffre : il a été protégé pour une autre carte. Insérez la carte qui l’a créé, ou utilisez votre code de récupération.',
  'recovery-code-invalid':
    'Ce code de récupération est incorrect. Vérifiez sa saisie (24 caractères, les tirets sont facultatifs).',
  'keys-file-invalid':
    'Le fichier des clés du coffre (vault-keys.json) est illisible ou incomplet. Aucune donnée n’a été effacée ; contactez votre support informatique.',
  locked: 'Le coffre est verrouillé. Identifiez-vous avec votre carte CPS pour le rouvrir.',
  'vault-error': 'Erreur du coffre local. Réessayez ; si le problème persiste, contactez votre support informatique.',
};

export class VaultError extends Error {
  override name = 'VaultError';
  readonly userMessage: string;
  constructor(
    readonly code: VaultErrorCode,
    /** For the log: an SQLite error code, a method name, a file role… never a secret. */
    readonly technicalCause: string,
    userMessage?: string,
  ) {
    super(`${code}: ${technicalCause}`);
    this.userMessage = userMessage ?? MESSAGES[code];
  }
}

export class VaultKeyError extends VaultError {
  override name = 'VaultKeyError';
  constructor(technicalCause: string) {
    super('wrong-key', technicalCause);
  }
}

export class VaultCorruptError extends VaultError {
  override name = 'VaultCorruptError';
  constructor(technicalCause: string) {
    super('corrupt', technicalCause);
  }
}

export class VaultTooNewError extends VaultError {
  override name = 'VaultTooNewError';
  constructor(
    readonly fileVersion: number,
    readonly codeVersion: number,
  ) {
    super('too-new', `user_version ${fileVersion} > ${codeVersion}`);
  }
}

export function vaultMessage(code: VaultErrorCode): string {
  return MESSAGES[code];
}

/** Rebuilds a typed error from what crossed the worker boundary (name, code, cause). */
export function reviveVaultError(data: { name: string; code: string; technicalCause: string }): VaultError {
  const code = (vaultErrorCodes as readonly string[]).includes(data.code) ? (data.code as VaultErrorCode) : 'vault-error';
  switch (data.name) {
    case 'VaultKeyError':
      return new VaultKeyError(data.technicalCause);
    case 'VaultCorruptError':
      return new VaultCorruptError(data.technicalCause);
    case 'VaultTooNewError': {
      const m = /user_version (\d+) > (\d+)/.exec(data.technicalCause);
      return new VaultTooNewError(Number(m?.[1] ?? 0), Number(m?.[2] ?? 0));
    }
    default:
      return new VaultError(code, data.technicalCause);
  }
}
