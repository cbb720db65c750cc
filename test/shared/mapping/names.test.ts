import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLUB_ALIAS_GROUPS, sameClubSide } from '../../../shared/mapping/clubs.ts';
import {
  buildCollegeTable,
  COLLEGES,
  collegesFor,
  normalizeCollegeName,
  sameCollege,
} from '../../../shared/mapping/colleges.ts';
import { memoize } from '../../../shared/mapping/memo.ts';
import { personTokens, sameIndividualSide, samePerson } from '../../../shared/mapping/names.ts';

/** Real-shaped Odds API player names: accents, hyphens, particles, suffixes, family-name-first. */
const PLAYERS = [
  'Carlos Alcaraz',
  'Jannik Sinner',
  'Félix Auger-Aliassime',
  'Alex de Minaur',
  'Stan Wawrinka',
  'Holger Rune',
  'Iga Świątek',
  'Barbora Krejčíková',
  'Karolína Plíšková',
  'Kristýna Plíšková',
  'Alexander Zverev',
  'Mischa Zverev',
  'Roberto Bautista Agut',
  'Zhang Zhizhen',
  'Jean-Julien Rojer',
  'Casper Ruud',
  'Beatriz Haddad Maia',
  'Frances Tiafoe',
  'Sebastian Korda',
  'Ben Shelton',
];
const FIGHTERS = [
  'Jon Jones',
  'Israel Adesanya',
  'Alexander Volkanovski',
  'José Aldo',
  'Jéssica Andrade',
  'Shavkat Rakhmonov',
  'Floyd Mayweather Jr.',
  'Canelo Álvarez',
];

/** Accent, case and punctuation noise that must not change who a name is. */
const noisy = (name: string) =>
  fc
    .record({
      upper: fc.boolean(),
      strip: fc.boolean(),
      extraSpaces: fc.boolean(),
      period: fc.boolean(),
    })
    .map(({ upper, strip, extraSpaces, period }) => {
      let n = strip ? name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '') : name;
      if (upper) n = n.toUpperCase();
      if (extraSpaces) n = ` ${n.replace(/ /g, '  ')} `;
      if (period) n = `${n}.`;
      return n;
    });

describe('people: players and fighters', () => {
  it('a name is itself under accent, case, spacing and punctuation noise', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PLAYERS, ...FIGHTERS).chain((n) => fc.tuple(fc.constant(n), noisy(n))),
        ([name, spelled]) => samePerson(spelled, name),
      ),
    );
  });

  it('surname alone, initial + surname, "Last, First", hyphen or not, family name first', () => {
    expect(samePerson('Alcaraz', 'Carlos Alcaraz')).toBe(true);
    expect(samePerson('C. Alcaraz', 'Carlos Alcaraz')).toBe(true);
    expect(samePerson('Alcaraz, Carlos', 'Carlos Alcaraz')).toBe(true);
    expect(samePerson('Auger-Aliassime', 'Félix Auger-Aliassime')).toBe(true);
    expect(samePerson('Felix Auger Aliassime', 'Félix Auger-Aliassime')).toBe(true);
    expect(samePerson('De Minaur', 'Alex de Minaur')).toBe(true);
    expect(samePerson('Swiatek', 'Iga Świątek')).toBe(true);
    expect(samePerson('Zhizhen Zhang', 'Zhang Zhizhen')).toBe(true);
    expect(samePerson('Bautista Agut', 'Roberto Bautista Agut')).toBe(true);
  });

  it('"Jr." and roman numerals are dropped; "Smith, Jr." is not a given name', () => {
    expect(samePerson('Floyd Mayweather', 'Floyd Mayweather Jr.')).toBe(true);
    expect(samePerson('Mayweather Jr', 'Floyd Mayweather Jr.')).toBe(true);
    expect(samePerson('Mayweather, Jr.', 'Floyd Mayweather')).toBe(true);
    expect(personTokens('Floyd Mayweather III')).toEqual(['floyd', 'mayweather']);
  });

  it('two different people of the list never match by their full names', () => {
    const all = [...PLAYERS, ...FIGHTERS];
    fc.assert(
      fc.property(fc.constantFrom(...all), fc.constantFrom(...all), (a, b) => {
        fc.pre(a !== b);
        return !samePerson(a, b);
      }),
    );
  });

  it('a shared surname or a wrong initial is not the same person', () => {
    expect(samePerson('A. Zverev', 'Mischa Zverev')).toBe(false);
    expect(samePerson('Karolina Pliskova', 'Kristýna Plíšková')).toBe(false);
    // The surname alone fits both brothers: the matcher sees it and reports the event ambiguous.
    expect(samePerson('Zverev', 'Alexander Zverev') && samePerson('Zverev', 'Mischa Zverev')).toBe(true);
  });

  it('doubles pairs: both members, in either order', () => {
    expect(sameIndividualSide('Krawczyk / Skupski', 'Neal Skupski / Desirae Krawczyk')).toBe(true);
    expect(sameIndividualSide('Rojer/Arevalo', 'Jean-Julien Rojer & Marcelo Arévalo')).toBe(true);
    expect(sameIndividualSide('Rojer / Koolhof', 'Jean-Julien Rojer / Marcelo Arévalo')).toBe(false);
    expect(sameIndividualSide('Rojer', 'Jean-Julien Rojer / Marcelo Arévalo')).toBe(false);
  });
});

describe('colleges', () => {
  it('the awkward real names', () => {
    expect(sameCollege('Miami (OH)', 'Miami (OH) RedHawks')).toBe(true);
    expect(sameCollege('Miami', 'Miami Hurricanes')).toBe(true);
    expect(sameCollege('Miami (FL)', 'Miami Hurricanes')).toBe(true);
    expect(sameCollege('Miami', 'Miami (OH) RedHawks')).toBe(false);
    expect(sameCollege('Miami (OH)', 'Miami Hurricanes')).toBe(false);
    expect(sameCollege("St. John's", "St. John's Red Storm")).toBe(true);
    expect(sameCollege("Saint John's", "St. John's Red Storm")).toBe(true);
    expect(sameCollege("St. Mary's", "Saint Mary's Gaels")).toBe(true);
    expect(sameCollege("Saint Mary's", "Saint Mary's Gaels")).toBe(true);
    expect(sameCollege("St. John's", "Saint Mary's Gaels")).toBe(false);
    expect(sameCollege('Connecticut', 'UConn Huskies')).toBe(true);
    expect(sameCollege('UConn', 'UConn Huskies')).toBe(true);
    expect(sameCollege('Washington', 'UConn Huskies')).toBe(false);
    expect(sameCollege('Kansas State', 'Kansas St Wildcats')).toBe(true);
    expect(sameCollege('Kansas', 'Kansas St Wildcats')).toBe(false);
    expect(sameCollege('Texas', 'Texas A&M Aggies')).toBe(false);
    expect(sameCollege('Texas A&M', 'Texas A&M Aggies')).toBe(true);
    expect(sameCollege('Mississippi', 'Ole Miss Rebels')).toBe(true);
    expect(sameCollege('Mississippi State', 'Ole Miss Rebels')).toBe(false);
    expect(sameCollege('Loyola Chicago', 'Loyola (Chi) Ramblers')).toBe(true);
    expect(sameCollege('Loyola Chicago', 'Loyola Marymount Lions')).toBe(false);
  });

  it('schools outside the table: the school plus a known mascot, never a prefix alone', () => {
    expect(sameCollege('Eastern Kentucky', 'Eastern Kentucky Colonels')).toBe(true);
    expect(sameCollege('Kentucky', 'Eastern Kentucky Colonels')).toBe(false);
    expect(sameCollege('Central Michigan', 'Central Michigan Chippewas')).toBe(true);
    expect(sameCollege('Alabama St', 'Alabama St Hornets')).toBe(true);
    expect(sameCollege('Alabama', 'Alabama St Hornets')).toBe(false);
    expect(sameCollege('Northern', 'Northern Kentucky Norse')).toBe(false);
    expect(sameCollege('Northern Kentucky', 'Northern Kentucky Norse')).toBe(true);
    expect(sameCollege('Northern Kentucky', 'N Kentucky Norse')).toBe(false);
  });

  it('every table school maps to itself under Kalshi-style spellings and noise', () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom(...COLLEGES)
          .chain((col) =>
            fc.tuple(fc.constant(col), fc.constantFrom(col.school, ...col.aliases).chain(noisy)),
          ),
        ([col, spelled]) => sameCollege(spelled, `${col.school} ${col.mascot}`),
      ),
    );
  });

  it('two different colleges never match: by school, alias or full name', () => {
    fc.assert(
      fc.property(fc.nat(COLLEGES.length - 1), fc.nat(COLLEGES.length - 1), (i, j) => {
        fc.pre(i !== j);
        const a = COLLEGES[i]!;
        const b = COLLEGES[j]!;
        const full = `${b.school} ${b.mascot}`;
        return [a.school, ...a.aliases, `${a.school} ${a.mascot}`].every((s) => !sameCollege(s, full));
      }),
    );
  });

  it('the table is unambiguous: every spelling means one school', () => {
    const table = buildCollegeTable();
    for (const [spelling, set] of table.bySpelling) expect([spelling, set.size]).toEqual([spelling, 1]);
    expect(collegesFor(table, 'Miami')).toHaveLength(1);
    expect(normalizeCollegeName('Saint Mary’s')).toBe(normalizeCollegeName("St. Mary's"));
  });
});

describe('clubs', () => {
  it('club-form tokens and accents do not change the club', () => {
    expect(sameClubSide('Roma', 'AS Roma')).toBe(true);
    expect(sameClubSide('Wolfsburg', 'VfL Wolfsburg')).toBe(true);
    expect(sameClubSide('Koln', '1. FC Köln')).toBe(true);
    expect(sameClubSide('Nice', 'OGC Nice')).toBe(true);
    expect(sameClubSide('Real Madrid', 'Real Madrid CF')).toBe(true);
    expect(sameClubSide('Club América', 'Club America')).toBe(true);
  });

  it("every spelling of a group is its club under noise, and never another group's club", () => {
    const spellings = CLUB_ALIAS_GROUPS.flatMap((g, i) => g.map((name) => ({ i, name })));
    fc.assert(
      fc.property(
        fc.constantFrom(...spellings).chain((a) => fc.tuple(fc.constant(a), noisy(a.name))),
        fc.constantFrom(...spellings),
        ([a, spelled], b) => sameClubSide(spelled, b.name) === (a.i === b.i),
      ),
    );
  });

  it('alias groups: the same club, and only its own group', () => {
    expect(sameClubSide('Inter', 'Inter Milan')).toBe(true);
    expect(sameClubSide('Milan', 'AC Milan')).toBe(true);
    expect(sameClubSide('Milan', 'Inter Milan')).toBe(false);
    expect(sameClubSide('Inter Miami', 'Inter Miami CF')).toBe(true);
    expect(sameClubSide('Inter', 'Inter Miami CF')).toBe(false);
    expect(sameClubSide('PSG', 'Paris Saint Germain')).toBe(true);
    expect(sameClubSide('Paris FC', 'Paris Saint Germain')).toBe(false);
    expect(sameClubSide('Bayern Munich', 'FC Bayern München')).toBe(true);
    expect(sameClubSide('Atletico Madrid', 'Atlético Madrid')).toBe(true);
    expect(sameClubSide('Real Madrid', 'Atlético Madrid')).toBe(false);
    expect(sameClubSide('Borussia Dortmund', 'Borussia Monchengladbach')).toBe(false);
  });
});

describe('memoised normalisation', () => {
  it('gives the same answer from the cache, and a full cache starts over instead of growing', () => {
    let calls = 0;
    const f = memoize((s: string) => {
      calls++;
      return s.length;
    }, 2);
    expect([f('a'), f('a'), f('bb')]).toEqual([1, 1, 2]);
    expect(calls).toBe(2);
    f('ccc'); // full: cleared, then 'ccc' cached
    f('a');
    expect(calls).toBe(4);
  });
});
