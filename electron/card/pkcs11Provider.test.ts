import pkcs11js from 'pkcs11js';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../policy/logger.js';
import { createCardService } from './cardService.js';
import { createPkcs11Provider, decryptMechanism, signMechanism } from './pkcs11Provider.js';

describe('PKCS#11 provider without a module', () => {
  it('a missing Cryptolib gives module-unavailable, and the service shows no-reader without crashing', async () => {
    const provider = createPkcs11Provider({ modulePath: '/nonexistent/libcps3_pkcs11_lux.so', log: silentLogger });
    await expect(provider.listSlots()).rejects.toMatchObject({ code: 'module-unavailable' });
    const service = createCardService({ provider, log: silentLogger, anchorFolders: [], crlSources: [], crlCacheDir: '/nonexistent/cache' });
    await service.start();
    expect(service.getState()).toEqual({ state: 'no-reader' });
    expect(await service.signIn('1234')).toMatchObject({ kind: 'removed' });
    await service.stop();
  });
});

describe('mechanisms', () => {
  it('maps sign mechanisms to CKM_SHA256_RSA_PKCS and PSS (SHA-256, MGF1-SHA-256, salt 32)', () => {
    expect(signMechanism('RSA-PKCS1-SHA256')).toEqual({ mechanism: pkcs11js.CKM_SHA256_RSA_PKCS });
    expect(signMechanism('RSA-PSS-SHA256')).toEqual({
      mechanism: pkcs11js.CKM_SHA256_RSA_PKCS_PSS,
      parameter: { type: pkcs11js.CK_PARAMS_RSA_PSS, hashAlg: pkcs11js.CKM_SHA256, mgf: pkcs11js.CKG_MGF1_SHA256, saltLen: 32 },
    });
  });
  it('maps decrypt mechanisms to CKM_RSA_PKCS and OAEP with a matching MGF1', () => {
    expect(decryptMechanism('RSA-PKCS1')).toEqual({ mechanism: pkcs11js.CKM_RSA_PKCS });
    expect(decryptMechanism('RSA-OAEP-SHA1').parameter).toMatchObject({ hashAlg: pkcs11js.CKM_SHA_1, mgf: pkcs11js.CKG_MGF1_SHA1, source: 1 });
    expect(decryptMechanism('RSA-OAEP-SHA256').parameter).toMatchObject({ hashAlg: pkcs11js.CKM_SHA256, mgf: pkcs11js.CKG_MGF1_SHA256 });
  });
});
