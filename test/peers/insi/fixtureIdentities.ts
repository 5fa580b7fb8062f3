import fs from 'node:fs';
import path from 'node:path';
import { parseCsv } from '../../../electron/identity/csv.js';
import type { SimIdentity } from './insiSimulator.js';

/** Identities of the fixture CSV whose key verifies, as the simulator's population. */
export function fixtureIdentities(): SimIdentity[] {
  const [header, ...rows] = parseCsv(fs.readFileSync(path.resolve(process.cwd(), '../shared/fixtures/ins/ins_test_identities.csv'), 'utf8'));
  const col = (n: string) => header?.cells.indexOf(n) ?? -1;
  return rows
    .filter((r) => !(r.cells[col('source')] ?? '').includes('KEY DOES NOT VERIFY'))
    .map((r) => ({
      matricule: r.cells[col('matricule')] ?? '',
      key: r.cells[col('key')] ?? '',
      oid: r.cells[col('oid')] ?? '',
      birthName: (r.cells[col('birth_name')] ?? '').toUpperCase(),
      firstNames: (r.cells[col('first_names')] ?? '').toUpperCase(),
      sex: r.cells[col('sex')] === 'F' ? 'F' : 'M',
      birthDate: r.cells[col('birth_date')] ?? '',
      birthPlace: r.cells[col('birth_place')] ?? '',
    }));
}

