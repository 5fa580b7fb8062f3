import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { headerKey } from '../../../electron/mail/directory/columns.js';

/**
 * A synthetic `Extraction_Correspondance_MSSante` file of realistic size and shape, built from
 * the header of the real extraction (../shared/fixtures/annuaire/): pipe-separated, UTF-8,
 * one line per mailbox (some people have two), empty address fields here and there, ~80 % PER
 * mailboxes. Every name, RPPS and address is fictitious; the PRNG is seeded (same seed, same file).
 */

const FIXTURE = fileURLToPath(new URL('../../../../shared/fixtures/annuaire/Extraction_Correspondance_MSSante.header.txt', import.meta.url));
/** The fixture's header, for a checkout without ../shared (the test compares both when present). */
export const EMBEDDED_HEADER =
  "Type de BAL|Adresse BAL|Type Identifiant PP|Identifiant PP|Identification nationale PP|Type identifiant structure|Identification Structure|Service de rattachement|Civilité d'exercice|Nom d'exercice|Prénom d'exercice|Catégorie profession|Libellé de catégorie profession|Code Profession|Libellé Profession|Code savoir-faire|Libellé savoir-faire|Dématérialisation|Raison Sociale structure BAL|Enseigne commerciale structure BAL|L2COMPLEMENTLOCALISATION structure BAL|L3COMPLEMENTDISTRIBUTION structure BAL|L4NUMEROVOIE structure BAL|L4COMPLEMENTNUMEROVOIE structure BAL|NL4TYPEVOIE structure BAL|L4LIBELLEVOIE structure BAL|L5LIEUDITMENTION structure BAL|L6LIGNEACHEMINEMENT structure BAL|Code postal structure BAL|Département structure BAL|Pays structure BAL";

export function fixtureHeaderPath(): string | null {
  return fs.existsSync(FIXTURE) ? FIXTURE : null;
}

export function extractionHeader(): string[] {
  const file = fixtureHeaderPath();
  const line = file === null ? EMBEDDED_HEADER : (fs.readFileSync(file, 'utf8').split(/\r?\n/)[0] ?? '');
  return line.replace(/^\uFEFF/, '').split('|');
}

const LAST = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent', 'Lefèvre', 'Michel', 'Garcia', 'David', 'Bertrand', 'Roux', 'Vincent', 'Fournier', 'Morel', 'Girard', 'André', 'Lefebvre', 'Mercier', 'Dupont', 'Lambert', 'Bonnet', 'François', 'Martinez', 'Legrand', 'Garnier', 'Faure', 'Rousseau', 'Blanc', 'Guérin', 'Müller', 'Henry', 'Roussel', 'Nicolas', 'Perrin', 'Morin', 'Mathieu', 'Clément', 'Gauthier', 'Dumont', 'Lopez', 'Fontaine', 'Chevalier', 'Robin', 'Masson', 'Sanchez', 'Gérard', 'Nguyen', 'Boyer', 'Denis', 'Lemaire', 'Duval', 'Joly', 'Gautier', 'Roger', 'Roche', 'Roy', 'Noël', 'Meyer', 'Lucas', 'Meunier', 'Jean', 'Pérez', 'Marchand', 'Dufour', 'Blanchard', 'Barbier', 'Brun', 'Dumas', 'Brunet', 'Schmitt', 'Leroux', 'Colin', 'Fernandez', "D'Almeida", 'Le Goff', 'Kerjean', 'Étienne', 'Benoît', 'Chauvin', 'Besnard', 'Hamon', 'Renaud', 'Caron'];
const FIRST = ['Jean', 'Marie', 'Pierre', 'Nathalie', 'Michel', 'Isabelle', 'Philippe', 'Sylvie', 'Alain', 'Catherine', 'Nicolas', 'Françoise', 'Christophe', 'Valérie', 'Stéphane', 'Sandrine', 'Laurent', 'Christine', 'Frédéric', 'Véronique', 'Éric', 'Sophie', 'Olivier', 'Céline', 'Sébastien', 'Hélène', 'Julien', 'Aurélie', 'Thierry', 'Émilie', 'David', 'Camille', 'Jérôme', 'Chloé', 'Benoît', 'Léa', 'Jean-Marc', 'Anne-Sophie', 'Gaëlle', 'Loïc', 'Anaïs', 'Zoé', 'Noémie', 'François', 'Agnès', 'Hervé', 'Maëlle', 'Cécile', 'Grégoire', 'Mathilde'];
const PROFESSIONS: readonly [code: string, label: string, cat: string, domain: string, weight: number][] = [
  ['10', 'Médecin', 'C', 'medecin.mssante.fr', 40],
  ['21', 'Pharmacien', 'C', 'pharmacien.mssante.fr', 12],
  ['40', 'Chirurgien-Dentiste', 'C', 'dentiste.mssante.fr', 8],
  ['50', 'Sage-Femme', 'C', 'sagefemme.mssante.fr', 4],
  ['60', 'Infirmier', 'C', 'infirmier.mssante.fr', 22],
  ['70', 'Masseur-Kinésithérapeute', 'C', 'kine.mssante.fr', 9],
  ['80', 'Pédicure-Podologue', 'C', 'podologue.mssante.fr', 2],
  ['91', 'Orthophoniste', 'C', 'orthophoniste.mssante.fr', 2],
  ['96', 'Psychomotricien', 'C', 'psychomot.mssante.fr', 1],
];
const SPECIALTIES = ['Médecine générale', 'Cardiologie et maladies vasculaires', 'Pédiatrie', 'Psychiatrie', 'Radio-diagnostic', 'Gynécologie-obstétrique', 'Anesthésie-réanimation', 'Dermatologie et vénéréologie', 'Ophtalmologie', 'Gériatrie', 'Endocrinologie et métabolisme', 'Oto-rhino-laryngologie'];
const CITIES: readonly [postal: string, city: string][] = [
  ['75014', 'PARIS'], ['75011', 'PARIS'], ['13005', 'MARSEILLE'], ['69003', 'LYON'], ['69007', 'LYON'], ['31000', 'TOULOUSE'], ['06000', 'NICE'], ['44000', 'NANTES'],
  ['67000', 'STRASBOURG'], ['34000', 'MONTPELLIER'], ['33000', 'BORDEAUX'], ['59000', 'LILLE'], ['35000', 'RENNES'], ['51100', 'REIMS'], ['42000', 'SAINT-ETIENNE'],
  ['83000', 'TOULON'], ['38000', 'GRENOBLE'], ['21000', 'DIJON'], ['49000', 'ANGERS'], ['30000', 'NIMES'], ['63000', 'CLERMONT-FERRAND'], ['29200', 'BREST'],
  ['37000', 'TOURS'], ['87000', 'LIMOGES'], ['80000', 'AMIENS'], ['66000', 'PERPIGNAN'], ['57000', 'METZ'], ['25000', 'BESANCON'], ['14000', 'CAEN'], ['45000', 'ORLEANS'],
  ['97400', 'SAINT-DENIS'], ['20000', 'AJACCIO'], ['64100', 'BAYONNE'], ['13100', 'AIX-EN-PROVENCE'], ['74000', 'ANNECY'], ['22000', 'SAINT-BRIEUC'], ['56100', 'LORIENT'],
  ['05000', 'GAP'], ['12000', 'RODEZ'], ['84000', 'AVIGNON'],
];
const STREETS = ['de la République', 'Victor Hugo', 'Jean Jaurès', 'de la Gare', 'Pasteur', 'du Général de Gaulle', 'des Lilas', 'Gambetta', 'Carnot', 'du Moulin'];
const STREET_TYPES = ['R', 'AV', 'BD', 'PL', 'CHE', 'ALL'];
const ORGS = ['Centre hospitalier', 'Clinique', 'Maison de santé pluriprofessionnelle', 'Laboratoire de biologie médicale', 'Centre de santé', 'EHPAD', 'Cabinet de radiologie', 'Pharmacie'];
const SERVICES = ['Service de cardiologie', 'Urgences', 'Secrétariat médical', 'Service de pédiatrie', 'Imagerie médicale', 'Maternité', 'Oncologie', ''];

/** mulberry32: small, fast, seeded. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function slug(text: string): string {
  return text.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/** Values keyed by `headerKey()` of each column; columns not set are written empty. */
export type SyntheticRecord = Record<string, string>;

/** The line for a record under a given header (column order as in the header). */
export function formatLine(header: readonly string[], record: SyntheticRecord): string {
  return header.map((h) => record[headerKey(h)] ?? '').join('|');
}

/** Convenience for hand-written lines in tests: keys are the 2017 snake_case names. */
export function recordOf(fields: Record<string, string>): SyntheticRecord {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [headerKey(k), v]));
}

export function makeRecords(random: () => number, serial: number): SyntheticRecord[] {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const [postal, city] = pick(CITIES);
  const address: SyntheticRecord = {
    [headerKey('L6LIGNEACHEMINEMENT structure BAL')]: random() < 0.9 ? `${postal} ${city}` : '',
    [headerKey('Code postal structure BAL')]: postal,
    [headerKey('Département structure BAL')]: postal.startsWith('97') ? postal.slice(0, 3) : postal.slice(0, 2),
    [headerKey('Pays structure BAL')]: 'FRANCE',
    [headerKey('L4NUMEROVOIE structure BAL')]: String(1 + Math.floor(random() * 120)),
    [headerKey('NL4TYPEVOIE structure BAL')]: pick(STREET_TYPES),
    [headerKey('L4LIBELLEVOIE structure BAL')]: pick(STREETS),
  };
  // The postal address may be empty altogether (as in the real file).
  if (random() < 0.05) for (const k of Object.keys(address)) address[k] = '';
  const t = random();
  const n = String(serial).padStart(7, '0');
  if (t < 0.8) {
    const weights = PROFESSIONS.reduce((s, p) => s + p[4], 0);
    let r = random() * weights;
    const prof = PROFESSIONS.find((p) => (r -= p[4]) < 0) ?? PROFESSIONS[0];
    const [code, label, cat, domain] = prof as (typeof PROFESSIONS)[number];
    const last = pick(LAST);
    const first = pick(FIRST);
    const rpps = `10${String(Math.floor(random() * 1e9)).padStart(9, '0')}`;
    const person: SyntheticRecord = {
      ...address,
      [headerKey('type_bal')]: 'PER',
      [headerKey('adresse_bal')]: `${slug(first)}.${slug(last)}.${n}@${domain}`,
      [headerKey('type_identifiant_pp')]: '8',
      [headerKey('identifiant_pp')]: rpps,
      [headerKey('identification_nationale_pp')]: `8${rpps}`,
      [headerKey("Civilité d'exercice")]: code === '10' || code === '40' ? 'DR' : random() < 0.5 ? 'M' : 'MME',
      [headerKey('nom_exercice')]: last.toUpperCase(),
      [headerKey('prenom_exercice')]: first,
      [headerKey('Catégorie profession')]: cat,
      [headerKey('Libellé de catégorie profession')]: 'Civil',
      [headerKey('code_profession')]: code,
      [headerKey('libelle_profession')]: label,
      [headerKey('Dématérialisation')]: random() < 0.7 ? 'O' : 'N',
    };
    if (code === '10') {
      person[headerKey('Code savoir-faire')] = `SM${String(Math.floor(random() * 60)).padStart(2, '0')}`;
      person[headerKey('libelle_savoir_faire')] = pick(SPECIALTIES);
    }
    if (random() < 0.3) {
      person[headerKey('Type identifiant structure')] = '1';
      person[headerKey('identification_structure')] = `1${String(Math.floor(random() * 1e8)).padStart(8, '0')}`;
      person[headerKey('raison_sociale_structure_bal')] = `${pick(ORGS)} ${city.charAt(0)}${city.slice(1).toLowerCase()}`;
    }
    // Some people have a second mailbox (an establishment's): a second line.
    if (random() < 0.12) return [person, { ...person, [headerKey('adresse_bal')]: `${slug(first)}.${slug(last)}.${n}@ch-${slug(city)}.mssante.fr`, [headerKey('raison_sociale_structure_bal')]: `Centre hospitalier ${city}` }];
    return [person];
  }
  const type = t < 0.92 ? 'ORG' : t < 0.96 ? 'APP' : 'CAB';
  const org = `${pick(ORGS)} ${pick(LAST)}`;
  const service = type === 'ORG' ? pick(SERVICES) : '';
  return [
    {
      ...address,
      [headerKey('type_bal')]: type,
      [headerKey('adresse_bal')]: `${slug(service || type)}.${n}@${slug(org).slice(0, 30)}.mssante.fr`,
      [headerKey('Type identifiant structure')]: '1',
      [headerKey('identification_structure')]: `1${String(Math.floor(random() * 1e8)).padStart(8, '0')}`,
      [headerKey('service_rattachement')]: service,
      [headerKey('raison_sociale_structure_bal')]: org,
      [headerKey('Enseigne commerciale structure BAL')]: random() < 0.2 ? org.toUpperCase() : '',
      [headerKey('Dématérialisation')]: 'O',
    },
  ];
}

export interface GenerateOptions {
  readonly file: string;
  /** Approximate size; the file stops at the first line past it. */
  readonly targetBytes: number;
  readonly seed?: number;
  /** Column order (default: the fixture's). */
  readonly header?: readonly string[];
  readonly bom?: boolean;
  readonly lineEnding?: '\n' | '\r\n';
  /** Raw lines appended after the generated ones (hand-written cases). */
  readonly extraLines?: readonly string[];
}

/** Writes the file in ~1 MiB writes; returns how many data lines it holds. */
export function generateExtraction(options: GenerateOptions): { lines: number; bytes: number } {
  const header = options.header ?? extractionHeader();
  const random = prng(options.seed ?? 1);
  const eol = options.lineEnding ?? '\n';
  const fd = fs.openSync(options.file, 'w');
  let bytes = 0;
  let lines = 0;
  const write = (text: string) => {
    const buf = Buffer.from(text, 'utf8');
    fs.writeSync(fd, buf);
    bytes += buf.length;
  };
  try {
    write(`${options.bom === true ? '\uFEFF' : ''}${header.join('|')}${eol}`);
    let serial = 0;
    let pending: string[] = [];
    let pendingBytes = 0;
    while (bytes + pendingBytes < options.targetBytes) {
      for (const record of makeRecords(random, (serial += 1))) {
        const line = formatLine(header, record) + eol;
        pending.push(line);
        pendingBytes += line.length;
        lines += 1;
      }
      if (pendingBytes > 1 << 20) {
        write(pending.join(''));
        pending = [];
        pendingBytes = 0;
      }
    }
    for (const line of options.extraLines ?? []) {
      pending.push(line + eol);
      lines += 1;
    }
    write(pending.join(''));
  } finally {
    fs.closeSync(fd);
  }
  return { lines, bytes };
}
