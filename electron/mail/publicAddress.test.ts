import { describe, expect, it } from 'vitest';
import { isPublicAddress } from './publicAddress.js';

describe('isPublicAddress', () => {
  it('refuses the machine, private networks, link-local, multicast and reserved ranges', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.254', '192.168.1.10', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fd00::1', 'fe80::1', 'ff02::1', '::ffff:10.0.0.1', '::ffff:127.0.0.1']) {
      expect(isPublicAddress(a), a).toBe(false);
    }
  });
  it('accepts public addresses, and refuses what is not an address', () => {
    for (const a of ['193.51.24.1', '8.8.8.8', '172.32.0.1', '2a01:e0a::1', '::ffff:193.51.24.1']) expect(isPublicAddress(a), a).toBe(true);
    for (const a of ['', 'intranet.hopital.local', '999.1.1.1']) expect(isPublicAddress(a), a).toBe(false);
  });
});
