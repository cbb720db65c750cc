/**
 * The stored theo keeps each used book's no-vig probabilities (`bookFair`), so that the theo at a
 * game's stop can be compared with Pinnacle alone and with the plain average of the books; the
 * weighted theo is neither.
 */
import { describe, expect, it } from 'vitest';
import { writeTheos } from '../../../functions/odds/theo-writer.ts';
import type { Theo } from '../../../shared/odds/aggregate.ts';
import { EventOddsSchema } from '../../../shared/odds/schemas.ts';
import { gameTheosOf } from '../../../shared/pnl/game-theos.ts';
import { theoRecordFromTheo } from '../../../shared/store/theos.ts';
import { store, useLocalStorePerTest } from '../../support/local-store.ts';

const ASOF = Date.parse('2026-01-20T18:30:00Z');
const STAMP = '2026-01-20T18:29:00Z';
const [H, A] = ['New York Knicks', 'Philadelphia 76ers'];
useLocalStorePerTest();

describe('the theo record keeps the books behind it', () => {
  it('per-book no-vig probabilities, aligned with the outcomes; Pinnacle and the plain average per market', async () => {
    const event = EventOddsSchema.parse({
      id: 'nba-1',
      sport_key: 'basketball_nba',
      commence_time: '2026-01-21T00:30:00Z',
      home_team: H,
      away_team: A,
      bookmakers: [
        [1.5, 2.7],
        [1.7, 2.2],
        [1.8, 2.05],
      ].map(([h, a], i) => ({
        key: ['pinnacle', 'draftkings', 'fanduel'][i],
        title: 'book',
        last_update: STAMP,
        markets: [
          {
            key: 'h2h',
            last_update: STAMP,
            outcomes: [
              { name: H, price: h },
              { name: A, price: a },
            ],
          },
        ],
      })),
    });
    expect((await writeTheos(store.theos, [event], ASOF, 'poll')).written).toEqual(['nba-1']);
    const record = (await store.theos.get('nba-1'))!;
    expect(record.bookFair?.map((b) => b.key).sort()).toEqual(['draftkings', 'fanduel', 'pinnacle']);
    for (const b of record.bookFair!) {
      expect(b.probabilities).toHaveLength(2);
      expect(b.probabilities[0]! + b.probabilities[1]!).toBeCloseTo(1, 9);
    }
    const home = record.outcomes.findIndex((o) => o.name === H);
    const refs = gameTheosOf(
      {
        kalshiEventTicker: 'KXNBAGAME-26JAN20PHINYK',
        seriesTicker: 'KXNBAGAME',
        oddsEventId: 'nba-1',
        sportKey: 'basketball_nba',
        commenceTime: Date.parse('2026-01-21T00:30:00Z'),
        markets: [
          { ticker: 'KXNBAGAME-26JAN20PHINYK-NYK', outcome: H },
          { ticker: 'KXNBAGAME-26JAN20PHINYK-PHI', outcome: A },
        ],
        matchedAt: ASOF,
      },
      record,
    );
    const nyk = 'KXNBAGAME-26JAN20PHINYK-NYK';
    const pinnacle = record.bookFair!.find((b) => b.key === 'pinnacle')!.probabilities[home]!;
    const plain = record.bookFair!.reduce((s, b) => s + b.probabilities[home]!, 0) / 3;
    expect(refs.pinnacle.get(nyk)).toBe(pinnacle);
    expect(refs.average.get(nyk)).toBeCloseTo(plain, 12);
    expect(refs.theo.get(nyk)).toBe(record.outcomes[home]!.probability);
    // Pinnacle weighs most in the theo: it sits between Pinnacle and the plain average.
    expect(pinnacle).toBeGreaterThan(plain);
    expect(refs.theo.get(nyk)!).toBeGreaterThan(plain);
    expect(refs.theo.get(nyk)!).toBeLessThan(pinnacle);
  });

  it('a book whose numbers would not validate is left out of bookFair, and the theo is still written', async () => {
    const book = (key: string, probabilities: number[]) => ({
      key,
      lastUpdate: STAMP,
      ageMs: 60_000,
      baseWeight: 1,
      role: 'book' as const,
      weight: 1,
      overround: 0.04,
      probabilities,
    });
    const theo: Theo = {
      kind: 'theo',
      eventId: 'nba-2',
      sportKey: 'basketball_nba',
      homeTeam: H,
      awayTeam: A,
      commenceTime: '2026-01-21T00:30:00Z',
      asOf: '2026-01-20T18:30:00Z',
      method: 'power',
      books: {
        used: [book('pinnacle', [0.6, 0.4]), book('broken', [Number.NaN, 0.4]), book('short', [1])],
        dropped: [],
      },
      outcomes: [
        { name: H, probability: 0.6 },
        { name: A, probability: 0.4 },
      ],
      threeWay: false,
      anchorUsed: true,
      effectiveBooks: 1,
      dispersion: 0,
    };
    expect(await store.theos.put(theoRecordFromTheo(theo, 'poll'))).toEqual({ written: true });
    expect((await store.theos.get('nba-2'))?.bookFair).toEqual([
      { key: 'pinnacle', probabilities: [0.6, 0.4] },
    ]);
  });
});
