import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EventOddsSchema } from '../../../shared/odds/schemas.ts';
import { strikeTheoRecordFromGame } from '../../../shared/pricing/strike-record.ts';
import { computeGameStrikeTheo, strikeTheo } from '../../../shared/pricing/strike-theo.ts';
import type { LadderMarket } from '../../../worker/engine/ladder-markets.ts';
import { strikeQuoteInputs } from '../../../worker/engine/ladder-theos.ts';

const event = EventOddsSchema.parse(
  JSON.parse(
    readFileSync(
      new URL('../../fixtures/odds/basketball_nba_event_odds_alternates.json', import.meta.url),
      'utf8',
    ),
  ),
);
const AS_OF = Date.parse('2026-01-20T18:05:00Z');
const game = computeGameStrikeTheo(event, { asOf: AS_OF, oddsFormat: 'decimal' });
const record = strikeTheoRecordFromGame(game, {
  commenceTime: Date.parse(event.commence_time as string),
  asOf: AS_OF,
  source: 'poll',
});
const MAX_AGE = 15 * 60_000;

const market = (ticker: string, kind: 'spread' | 'total', direction: 'over' | 'under', threshold: number) =>
  ({ ticker, eventTicker: 'E', query: { kind, direction, threshold } }) satisfies LadderMarket;
const ladder = [
  market('S3', 'spread', 'over', 3.5),
  market('S9', 'spread', 'over', 9.5),
  market('S-MIA3', 'spread', 'under', -3.5),
  market('T220', 'total', 'over', 220.5),
];

describe('strike theos for the quoter', () => {
  it('each strike gets its fit probability and extra edge, exactly as the fit prices it', () => {
    const r = strikeQuoteInputs(record, ladder, AS_OF + 60_000, MAX_AGE);
    expect(r.idle).toEqual([]);
    expect(r.priced.map((p) => p.ticker)).toEqual(['S3', 'S9', 'S-MIA3', 'T220']);
    for (const p of r.priced) {
      const m = ladder.find((x) => x.ticker === p.ticker)!;
      const t = strikeTheo(game, m.query);
      expect(t.ok && t.probability).toBe(p.probability);
      expect(t.ok && t.extraEdge).toBe(p.extraEdge);
      expect(p.fittedFrom.length).toBeGreaterThan(0);
    }
  });

  it('no fit stored: every strike idles as no-strike-theo; a fit past the age limit: theo-stale', () => {
    expect(strikeQuoteInputs(null, ladder, AS_OF, MAX_AGE).idle.map((i) => i.reason)).toEqual(
      Array(4).fill('no-strike-theo'),
    );
    const stale = strikeQuoteInputs(record, ladder, AS_OF + MAX_AGE + 1, MAX_AGE);
    expect(stale.priced).toEqual([]);
    expect(stale.idle.map((i) => i.reason)).toEqual(Array(4).fill('theo-stale'));
  });

  it('a refused fit idles every strike of its kind with the refusal named; the other kind still quotes', () => {
    const refused = {
      ...record,
      total: { ok: false as const, reason: 'poor-fit', detail: 'rms 3¢' },
    };
    const r = strikeQuoteInputs(refused, ladder, AS_OF, MAX_AGE);
    expect(r.priced.map((p) => p.ticker)).toEqual(['S3', 'S9', 'S-MIA3']);
    expect(r.idle).toEqual([{ ticker: 'T220', reason: 'no-strike-theo', detail: 'poor-fit: rms 3¢' }]);
  });
});
