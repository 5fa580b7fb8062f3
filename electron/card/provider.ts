import type { PinStatus } from './errors.js';

/**
 * What Caducée needs from a card, whichever the card: the Cryptolib CPS (or SoftHSM2 in
 * tests) through PKCS#11, or the demo mode's virtual card. Every method is async and may throw
 * a CardError (errors.ts); a removed card throws CardRemovedError, never anything else.
 */

export type SignMechanism = 'RSA-PKCS1-SHA256' | 'RSA-PSS-SHA256';
/**
 * OAEP, label empty, MGF1 with the same hash. SoftHSM2 2.6 accepts only SHA-1 ("hashAlg must
 * be CKM_SHA_1": RSA-OAEP-SHA256 → `mechanism-unsupported`); OAEP support on CPS4 is not
 * documented publicly. RSA-OAEP-SHA1 is sound for key wrapping (OAEP does not rely on SHA-1
 * collision resistance) and is the default of CardService.decrypt.
 */
export type DecryptMechanism = 'RSA-OAEP-SHA256' | 'RSA-OAEP-SHA1' | 'RSA-PKCS1';

export interface SlotSummary {
  /** Opaque, stable for the life of the module (hex of CK_SLOT_ID). */
  readonly slotId: string;
  readonly description: string;
  readonly tokenPresent: boolean;
}

export interface TokenSummary {
  readonly slotId: string;
  readonly label: string;
  readonly serial: string;
  readonly model: string;
  readonly manufacturer: string;
  readonly pinStatus: PinStatus;
  readonly flags: number;
}

export interface CardCertificate {
  /** CKA_ID in hex: pairs a certificate with its private key. */
  readonly id: string;
  readonly label: string;
  readonly der: Buffer;
}

export interface CardDataObject {
  readonly label: string;
  readonly value: Buffer;
  /** CKA_PRIVATE: readable only after login. */
  readonly private: boolean;
}

export interface CardProvider {
  readonly kind: 'pkcs11' | 'virtual';
  /** All slots (readers), with or without a card. */
  listSlots(): Promise<SlotSummary[]>;
  /** Initialised tokens present now (CKF_TOKEN_INITIALIZED), one per slot. */
  listTokens(): Promise<TokenSummary[]>;
  tokenInfo(slotId: string): Promise<TokenSummary>;
  /** X.509 certificates (CKO_CERTIFICATE / CKC_X_509) readable without login. */
  readCertificates(slotId: string): Promise<CardCertificate[]>;
  /** CKO_DATA objects whose label starts with CPS_; the private ones appear after login. */
  readDataObjects(slotId: string): Promise<CardDataObject[]>;
  /** CKA_IDs (hex) of the private keys; usually needs login. */
  listPrivateKeyIds(slotId: string): Promise<string[]>;
  /** One C_Login. The PIN is passed straight through and not kept. */
  login(slotId: string, pin: string): Promise<void>;
  sign(slotId: string, keyId: string, mechanism: SignMechanism, data: Buffer): Promise<Buffer>;
  decrypt(slotId: string, keyId: string, mechanism: DecryptMechanism, data: Buffer): Promise<Buffer>;
  logout(slotId: string): Promise<void>;
  /** Drops every session of that slot (the card left). Never throws. */
  forget(slotId: string): Promise<void>;
  /**
   * Re-reads the reader/token population when the module only sees it at initialisation
   * (SoftHSM2). Must only be called with no session open. Optional.
   */
  rescan?(): Promise<void>;
  close(): Promise<void>;
}
