import { describe, expect, it } from 'vitest';
import { createMessageRepository } from '../repo/messages.js';
import { message, openTestDb } from '../testSupport.js';
import { buildMatchQuery, normaliseForIndex } from './frenchText.js';

describe('French text for FTS5', () => {
  it('drops elided articles with straight and typographic apostrophes, only at word start', () => {
    expect(normaliseForIndex('L’arbre de l\'hôpital, qu’il d’abord j’ai n’est s’il c’est m’a t’es')).toBe('arbre de hôpital, il abord ai est il est a es');
    expect(normaliseForIndex('aujourd’hui lorsqu’il jusqu\'ici')).toBe('aujourd’hui il ici');
  });

  it('quotes every word so user input cannot inject FTS5 syntax', () => {
    expect(buildMatchQuery('l\'arbre NEAR col:x "')).toBe('"arbre" AND "NEAR" AND "col" AND "x"');
    expect(buildMatchQuery('écho*')).toBe('"écho"*');
    expect(buildMatchQuery('compte ren', { autocomplete: true })).toBe('"compte" AND "ren"*');
    expect(buildMatchQuery(' -- ')).toBeNull();
  });
});

describe('message search (FTS5 in the vault)', () => {
  const { db } = openTestDb();
  const repo = createMessageRepository(db);
  const [echo, arbre, other] = repo.insertMessages([
    message({ subject: 'Échographie abdominale', bodyText: 'Résultat normal.', date: 1 }),
    message({ subject: 'Courrier', bodyText: 'L’arbre bronchique est libre.', date: 2 }),
    message({ subject: 'Bilan', bodyText: 'Glycémie à jeun.', date: 3 }),
  ]);
  const ids = (query: string, autocomplete = false) => repo.searchMessages({ query, autocomplete }).map((m) => m.id);

  it('folds accents and case', () => {
    expect(ids('echographie')).toEqual([echo]);
    expect(ids('ÉCHOGRAPHIE')).toEqual([echo]);
    expect(ids('glycemie')).toEqual([other]);
  });

  it('splits elisions on both sides', () => {
    expect(ids("l'arbre")).toEqual([arbre]);
    expect(ids('arbre')).toEqual([arbre]);
    expect(ids('L’arbre')).toEqual([arbre]);
    // The elided article itself is not indexed.
    expect(ids('l')).toEqual([]);
  });

  it('matches prefixes for autocompletion, newest first', () => {
    expect(ids('écho*')).toEqual([echo]);
    expect(ids('ech', true)).toEqual([echo]);
    repo.insertMessages([message({ subject: 'Échocardiographie', date: 4 })]);
    expect(ids('echo', true)).toHaveLength(2);
    expect(ids('echo', true)[1]).toBe(echo);
  });

  it('forgets a deleted message', () => {
    db.prepare('delete from messages where id = ?').run(other);
    expect(ids('glycemie')).toEqual([]);
  });
});
