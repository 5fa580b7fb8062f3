import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.js';
import { checkMatricule, computeInsKey, formatIns } from './insMatricule.js';

const FIXTURE = path.resolve(process.cwd(), '../shared/fixtures/ins/ins_test_identities.csv');

function fixtureRows() {
  const [header, ...rows] = parseCsv(fs.readFileSync(FIXTURE, 'utf8'));
  const col = (name: string) => header?.cells.indexOf(name) ?? -1;
  expect(col('matricule')).toBeGreaterThanOrEqual(0);
  return rows.map((r) => ({
    line: r.line,
    matricule: r.cells[col('matricule')] ?? '',
    key: r.cells[col('key')] ?? '',
    wrongKey: (r.cells[col('source')] ?? '').includes('KEY DOES NOT VERIFY'),
  }));
}

describe('INS matricule and key', () => {
  it('checks out on the ANS test numbers of STANDARDS.md §5', () => {
    for (const ins of ['279035121518989', '277076322082910', '255081416802538']) expect(checkMatricule(ins).ok).toBe(true);
  });

  it('accepts every fixture row with a verifying key and refuses every row flagged with a wrong one', () => {
    const rows = fixtureRows();
    expect(rows.length).toBe(19);
    expect(rows.filter((r) => r.wrongKey).length).toBe(6);
    for (const r of rows) {
      const check = checkMatricule(r.matricule, r.key);
      expect({ line: r.line, ok: check.ok }).toEqual({ line: r.line, ok: !r.wrongKey });
      if (!check.ok) expect(check.refusal).toBe('matricule-key');
    }
  });

  it('replaces 2A by 19 and 2B by 18 before computing (Corsica)', () => {
    expect(computeInsKey('297022A020778')).toBe('78');
    expect(computeInsKey('160012B020777')).toBe('13');
    // The same digits with 19/18 written out give the same key: the rule, not a coincidence.
    expect(computeInsKey('2970219020778')).toBe('78');
    expect(computeInsKey('1600118020777')).toBe('13');
    expect(checkMatricule('297022a020778 78').ok).toBe(true);
  });

  it('refuses malformed input with a French message and the format refusal', () => {
    for (const bad of ['', '29702', '297022C02077878', '997022A02077878', '2970220207787X', '2970220207787812']) {
      const check = checkMatricule(bad);
      expect(check.ok).toBe(false);
      if (!check.ok) {
        expect(check.refusal).toBe('matricule-format');
        expect(check.message).toMatch(/Matricule INS mal formé/);
      }
    }
  });

  it('property: the computed key always verifies, and any other key is refused', () => {
    const matricule = fc.tuple(fc.integer({ min: 1, max: 2 }), fc.stringMatching(/^\d{4}$/), fc.constantFrom('75', '2A', '2B', '99', '63'), fc.stringMatching(/^\d{6}$/)).map(([a, b, c, d]) => `${a}${b}${c}${d}`);
    fc.assert(
      fc.property(matricule, fc.integer({ min: 0, max: 99 }), (m, k) => {
        const key = computeInsKey(m);
        expect(key).not.toBeNull();
        const good = checkMatricule(m, key ?? '');
        expect(good.ok && formatIns(good.value)).toBe(`${m}${key}`);
        const other = String(k).padStart(2, '0');
        expect(checkMatricule(m, other).ok).toBe(other === key);
      }),
    );
  });
});
