import crypto from 'node:crypto';

/**
 * The organisation mailbox's TLS client certificate (IGC-Santé « Élémentaire Organisation »,
 * STANDARDS.md §3 CONF.27), checked before it goes into a handshake: a file that cannot be
 * read, a key that is not the certificate's, an expired certificate are the user's to fix, and
 * they get a sentence saying which — not a network error retried forever, nor an operator's
 * refusal that says nothing.
 */
export type ClientCertificateProblem = 'unreadable' | 'invalid' | 'mismatch' | 'expired' | 'not-yet-valid';
/** `refused`: the certificate looked right here but the operator did not accept it. */
export type CertificateFailure = ClientCertificateProblem | 'refused';

export class ClientCertificateError extends Error {
  override readonly name = 'ClientCertificateError';
  readonly code = 'ECLIENTCERT';
  constructor(
    readonly problem: ClientCertificateProblem,
    options?: { cause?: unknown },
  ) {
    super(`client certificate: ${problem}`, options);
  }
}

const NBSP = '\u00a0';
const MESSAGES: Record<CertificateFailure, string> = {
  unreadable: `Le certificat de la boîte organisationnelle est illisible${NBSP}: vérifiez les fichiers du certificat et de la clé dans la configuration.`,
  invalid: `Le certificat ou la clé de la boîte organisationnelle n’est pas valide${NBSP}: vérifiez les fichiers indiqués dans la configuration (PEM, clé non chiffrée).`,
  mismatch: `La clé privée ne correspond pas au certificat de la boîte organisationnelle${NBSP}: vérifiez la configuration.`,
  expired: `Le certificat de la boîte organisationnelle a expiré${NBSP}: installez le certificat renouvelé.`,
  'not-yet-valid': `Le certificat de la boîte organisationnelle n’est pas encore valide${NBSP}: vérifiez la date et l’heure de l’ordinateur.`,
  refused: `Le serveur de messagerie a refusé le certificat de la boîte organisationnelle${NBSP}: il doit être un certificat IGC-Santé en cours de validité, émis pour cette boîte.`,
};

export function certificateUserMessage(failure: CertificateFailure): string {
  return MESSAGES[failure];
}

/** Reads the PEM pair through the account's callbacks and checks it can authenticate now. */
export async function loadClientCertificate(source: { certPem(): Promise<string>; keyPem(): Promise<string> }, now = Date.now()): Promise<{ cert: string; key: string }> {
  let cert: string;
  let key: string;
  try {
    [cert, key] = await Promise.all([source.certPem(), source.keyPem()]);
  } catch (error) {
    throw new ClientCertificateError('unreadable', { cause: error });
  }
  let x509: crypto.X509Certificate;
  let privateKey: crypto.KeyObject;
  try {
    x509 = new crypto.X509Certificate(cert);
    privateKey = crypto.createPrivateKey(key);
  } catch (error) {
    throw new ClientCertificateError('invalid', { cause: error });
  }
  if (!x509.checkPrivateKey(privateKey)) throw new ClientCertificateError('mismatch');
  if (Date.parse(x509.validTo) < now) throw new ClientCertificateError('expired');
  if (Date.parse(x509.validFrom) > now) throw new ClientCertificateError('not-yet-valid');
  return { cert, key };
}

