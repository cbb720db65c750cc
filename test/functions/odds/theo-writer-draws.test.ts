/**
 * A boxing bout (a 3-way sport: a draw is possible) whose books quote it
 * 2-way gets no theo, with the reason reported; the same bout quoted 3-way,
 * and a 2-way sport quoted 2-way, get theirs.
 */
import { describe, expect, it } from 'vitest';
import { writeTheos } from '../../../functions/odds/theo-writer.ts';
import { DRAW } from '../../../shared/odds/aggregate.ts';
import { type EventOdds, EventOddsSchema } from '../../../shared/odds/schemas.ts';
import { store, useLocalStorePerTest } from '../../support/local-store.ts';

const ASOF = Date.parse('2026-01-20T18:30:00Z');
const STAMP = '2026-01-20T18:29:00Z';
useLocalStorePerTest();

function bout(id: string, sportKey: string, prices: [number, number, number?][]): EventOdds {
  const [H, A] = ['Canelo Alvarez', 'Terence Crawford'];
  return EventOddsSchema.parse({
    id,
    sport_key: sportKey,
    commence_time: '2026-01-21T04:00:00Z',
    home_team: H,
    away_team: A,
    bookmakers: prices.map(([h, a, d], i) => ({
      key: ['pinnacle', 'draftkings', 'fanduel', 'betmgm'][i],
      title: 'book',
      last_update: STAMP,
      markets: [
        {
          key: 'h2h',
          last_update: STAMP,
          outcomes: [
            { name: H, price: h },
            { name: A, price: a },
            ...(d === undefined ? [] : [{ name: DRAW, price: d }]),
          ],
        },
      ],
    })),
  });
}

describe('theos of a 3-way sport quoted 2-way', () => {
  it('a boxing book without a Draw gets no theo (missing-draw); with a Draw it gets one', async () => {
    const twoWay = bout('box-2', 'boxing_boxing', [
      [1.7, 2.2],
      [1.72, 2.15],
      [1.68, 2.25],
    ]);
    const threeWay = bout('box-3', 'boxing_boxing', [
      [1.75, 2.3, 26],
      [1.77, 2.25, 25],
      [1.73, 2.35, 26],
    ]);
    const s = await writeTheos(store.theos, [twoWay, threeWay], ASOF, 'poll');
    expect(s.written).toEqual(['box-3']);
    expect(s.noTheo).toEqual([
      { eventId: 'box-2', reason: expect.stringMatching(/^missing-draw: boxing is priced 3-way/) },
    ]);
    expect(await store.theos.get('box-2')).toBeNull();
    expect((await store.theos.get('box-3'))?.outcomes.map((o) => o.name)).toContain(DRAW);
  });

  it('a 2-way sport (UFC) quoted 2-way keeps its theo', async () => {
    const ufc = bout('ufc-1', 'mma_mixed_martial_arts', [
      [1.7, 2.2],
      [1.72, 2.15],
    ]);
    expect((await writeTheos(store.theos, [ufc], ASOF, 'poll')).written).toEqual(['ufc-1']);
  });
});
