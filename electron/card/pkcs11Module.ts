import pkcs11js from 'pkcs11js';
import type { DecryptMechanism, SignMechanism } from './provider.js';

/**
 * The PKCS#11 surface the card provider relies on, and the parameters of the mechanisms it
 * asks for: what a fault-injecting module (tests) or another binding must offer.
 */

/** The part of pkcs11js' PKCS11 class this provider uses (a fault-injecting wrapper implements it in tests). */
export interface Pkcs11Module {
  load(path: string): void;
  C_Initialize(): void;
  C_Finalize(): void;
  close(): void;
  C_GetSlotList(tokenPresent?: boolean): Buffer[];
  C_GetSlotInfo(slot: Buffer): { slotDescription: string; flags: number };
  C_GetTokenInfo(slot: Buffer): { label: string; manufacturerID: string; model: string; serialNumber: string; flags: number };
  C_OpenSession(slot: Buffer, flags: number): Buffer;
  C_CloseSession(session: Buffer): void;
  C_Login(session: Buffer, userType: number, pin?: string): void;
  C_Logout(session: Buffer): void;
  C_FindObjectsInit(session: Buffer, template: pkcs11js.Template): void;
  C_FindObjects(session: Buffer, maxObjectCount: number): Buffer[];
  C_FindObjectsFinal(session: Buffer): void;
  C_GetAttributeValue(session: Buffer, object: Buffer, template: pkcs11js.Template): pkcs11js.TemplateResult;
  C_SignInit(session: Buffer, mechanism: pkcs11js.Mechanism, key: Buffer): void;
  C_SignAsync(session: Buffer, data: Buffer, out: Buffer): Promise<Buffer>;
  C_DecryptInit(session: Buffer, mechanism: pkcs11js.Mechanism, key: Buffer): void;
  C_DecryptAsync(session: Buffer, data: Buffer, out: Buffer): Promise<Buffer>;
}

const CKZ_DATA_SPECIFIED = 1;

export function signMechanism(mechanism: SignMechanism): pkcs11js.Mechanism {
  switch (mechanism) {
    case 'RSA-PKCS1-SHA256':
      return { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS };
    case 'RSA-PSS-SHA256':
      return {
        mechanism: pkcs11js.CKM_SHA256_RSA_PKCS_PSS,
        parameter: { type: pkcs11js.CK_PARAMS_RSA_PSS, hashAlg: pkcs11js.CKM_SHA256, mgf: pkcs11js.CKG_MGF1_SHA256, saltLen: 32 } satisfies pkcs11js.RsaPSS as pkcs11js.IParams,
      };
  }
}

export function decryptMechanism(mechanism: DecryptMechanism): pkcs11js.Mechanism {
  switch (mechanism) {
    case 'RSA-PKCS1':
      return { mechanism: pkcs11js.CKM_RSA_PKCS };
    case 'RSA-OAEP-SHA256':
      return {
        mechanism: pkcs11js.CKM_RSA_PKCS_OAEP,
        parameter: { type: pkcs11js.CK_PARAMS_RSA_OAEP, hashAlg: pkcs11js.CKM_SHA256, mgf: pkcs11js.CKG_MGF1_SHA256, source: CKZ_DATA_SPECIFIED } satisfies pkcs11js.RsaOAEP as pkcs11js.IParams,
      };
    case 'RSA-OAEP-SHA1':
      return {
        mechanism: pkcs11js.CKM_RSA_PKCS_OAEP,
        parameter: { type: pkcs11js.CK_PARAMS_RSA_OAEP, hashAlg: pkcs11js.CKM_SHA_1, mgf: pkcs11js.CKG_MGF1_SHA1, source: CKZ_DATA_SPECIFIED } satisfies pkcs11js.RsaOAEP as pkcs11js.IParams,
      };
  }
}
