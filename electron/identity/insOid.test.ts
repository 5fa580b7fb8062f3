import { describe, expect, it } from 'vitest';
import { canAutoAttach, canShareIns, IDENTITY_STATUSES, statusAfterDocumentCheck, statusAfterInsi, statusAfterStrictEdit } from './identityStatus.js';
import { acceptOid, INS_OID, type InsMode } from './insOid.js';

describe('acceptOid', () => {
  const table: [InsMode, string, true | string][] = [
    ['production', INS_OID.nir, true],
    ['production', INS_OID.nia, true],
    ['production', INS_OID.test, 'oid-test-refused'],
    ['production', INS_OID.demo, 'oid-demo-refused'],
    ['production', '1.2.250.1.213.1.4.2', 'oid-unknown'],
    ['production', '1.2.250.1.213.1.4.5', 'oid-unknown'],
    ['production', '1.2.250.1.213.1.4.13', 'oid-unknown'],
    ['demo', INS_OID.demo, true],
    ['demo', INS_OID.nir, 'oid-real-in-demo'],
    ['demo', INS_OID.nia, 'oid-real-in-demo'],
    ['demo', INS_OID.test, 'oid-real-in-demo'],
    ['qualification', INS_OID.test, true],
    ['qualification', INS_OID.nir, true],
    ['qualification', INS_OID.demo, 'oid-demo-refused'],
  ];
  it.each(table)('%s × %s → %s', (mode, oid, expected) => {
    const check = acceptOid(oid, mode);
    if (expected === true) expect(check.ok).toBe(true);
    else {
      expect(check.ok).toBe(false);
      if (!check.ok) {
        expect(check.refusal).toBe(expected);
        expect(check.message).toMatch(/[éèàù]|INS/);
      }
    }
  });
});

describe('identity status', () => {
  it('lets only a qualified identity share its INS or receive items automatically', () => {
    expect(IDENTITY_STATUSES.filter(canShareIns)).toEqual(['qualifiee']);
    expect(IDENTITY_STATUSES.filter(canAutoAttach)).toEqual(['qualifiee']);
  });
  it('moves up by document check and INSi only, and down when checked traits change', () => {
    expect(statusAfterDocumentCheck('provisoire')).toBe('validee');
    expect(statusAfterDocumentCheck('recuperee')).toBe('qualifiee');
    expect(statusAfterInsi('provisoire', false)).toBe('recuperee');
    expect(statusAfterInsi('validee', false)).toBe('qualifiee');
    expect(statusAfterInsi('validee', true)).toBe('recuperee');
    expect(statusAfterInsi('qualifiee', true)).toBe('recuperee');
    expect(statusAfterStrictEdit('validee')).toBe('provisoire');
    // A document check never yields récupérée: that one is INSi's alone.
    const others = IDENTITY_STATUSES.filter((s) => s !== 'recuperee');
    expect(others.map(statusAfterDocumentCheck)).not.toContain('recuperee');
    expect(others.map(statusAfterStrictEdit)).not.toContain('recuperee');
  });
});
