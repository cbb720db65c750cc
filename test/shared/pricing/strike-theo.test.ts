import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventOddsSchema, OddsResponseSchema } from '../../../shared/odds/schemas.ts';
import { probabilityOver } from '../../../shared/pricing/margin-model.ts';
import {
  computeGameStrikeTheo,
  type GameStrikeTheo,
  memoiseStrikeTheos,
  StrikeTheoConfigSchema,
  strikeMemoStats,
  strikeTheo,
} from '../../../shared/pricing/strike-theo.ts';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../fixtures/odds/${name}`, import.meta.url), 'utf8'));
const asOf = Date.parse('2026-01-20T18:05:00Z');

describe('the fit memo (evaluate children: each strategy of a seed on the same odds)', () => {
  it('gives the fit a fresh computation gives; another instant or other odds are fitted anew', () => {
    const event = EventOddsSchema.parse(fixture('basketball_nba_event_odds_alternates.json'));
    const fresh = computeGameStrikeTheo(event, { asOf, oddsFormat: 'decimal' });
    memoiseStrikeTheos(true);
    try {
      const first = computeGameStrikeTheo(event, { asOf, oddsFormat: 'decimal' });
      const before = { ...strikeMemoStats };
      const again = computeGameStrikeTheo(structuredClone(event), { asOf, oddsFormat: 'decimal' });
      expect(strikeMemoStats.hits).toBe(before.hits + 1);
      expect(again).toBe(first);
      expect(first).toEqual(fresh);
      const later = computeGameStrikeTheo(event, { asOf: asOf + 60_000, oddsFormat: 'decimal' });
      const moved = structuredClone(event);
      moved.bookmakers = moved.bookmakers.slice(1);
      const other = computeGameStrikeTheo(moved, { asOf, oddsFormat: 'decimal' });
      expect(strikeMemoStats.misses).toBe(before.misses + 2);
      memoiseStrikeTheos(false);
      expect(later).toEqual(computeGameStrikeTheo(event, { asOf: asOf + 60_000, oddsFormat: 'decimal' }));
      expect(other).toEqual(computeGameStrikeTheo(moved, { asOf, oddsFormat: 'decimal' }));
    } finally {
      memoiseStrikeTheos(false);
    }
  });
});

describe('one game with main and alternate lines (NBA per-event fixture)', () => {
  const event = EventOddsSchema.parse(fixture('basketball_nba_event_odds_alternates.json'));
  const game = computeGameStrikeTheo(event, { asOf, oddsFormat: 'decimal' });

  it('fits both kinds; P(margin > 0) is the winner theo within 0.5¢', () => {
    expect(game.winner.kind).toBe('theo');
    expect(game.margin.ok).toBe(true);
    expect(game.total.ok).toBe(true);
    expect(game.winnerError).not.toBeNull();
    expect(game.winnerError!).toBeLessThan(0.005);
  });

  it('reproduces every used book line within that book’s vig', () => {
    for (const fit of [game.margin, game.total]) {
      if (!fit.ok) throw new Error(fit.detail);
      expect(fit.diagnostics.lines.length).toBeGreaterThan(50);
      expect(fit.diagnostics.outsideVig).toBe(0);
      expect(fit.diagnostics.rmsError).toBeLessThan(0.01);
    }
  });

  it('drops the book whose spread contradicts its own moneyline, and says why', () => {
    const bovada = game.lines.dropped.filter((d) => d.book === 'bovada');
    expect(bovada.map((d) => d.reason)).toEqual(['contradicts-moneyline']);
    expect(bovada[0]!.detail).toMatch(/implies a mean margin/);
    expect(game.lines.used.some((l) => l.book === 'bovada' && l.kind === 'spread')).toBe(false);
    // its total is fine and is used
    expect(game.lines.used.some((l) => l.book === 'bovada' && l.kind === 'total')).toBe(true);
  });

  it('weights Pinnacle heaviest, as for winners', () => {
    const w = (book: string) => game.lines.used.find((l) => l.book === book)!.weight;
    expect(w('pinnacle')).toBeGreaterThan(2 * w('draftkings'));
  });

  it('a strike near the lines: no extra edge, fitted from the bracketing lines', () => {
    const t = strikeTheo(game, { kind: 'spread', direction: 'over', threshold: 6.5 });
    if (!t.ok) throw new Error(t.detail);
    expect(t.wideEdge).toBe(false);
    expect(t.extraEdge).toBe(0);
    expect(t.fittedFrom.length).toBeGreaterThan(0);
    expect(new Set(t.fittedFrom.map((r) => r.strike))).toEqual(new Set([6.5]));
  });

  it('a strike far from every line gets a wider edge, growing with the distance', () => {
    const near = strikeTheo(game, { kind: 'spread', direction: 'over', threshold: 25.5 });
    const far = strikeTheo(game, { kind: 'spread', direction: 'over', threshold: 35.5 });
    if (!near.ok || !far.ok) throw new Error('refused');
    expect(near.wideEdge).toBe(true);
    expect(far.extraEdge).toBeGreaterThan(near.extraEdge);
    expect(far.fittedFrom.every((r) => r.strike === 21.5)).toBe(true);
  });

  it('"away wins by over s" is the home margin under −s', () => {
    const away = strikeTheo(game, { kind: 'spread', direction: 'under', threshold: -3.5 });
    const home = strikeTheo(game, { kind: 'spread', direction: 'over', threshold: -3.5 });
    if (!away.ok || !home.ok) throw new Error('refused');
    expect(away.probability).toBeCloseTo(1 - home.probability, 12);
  });

  it('where the books quote a strike, their consensus prices it (not the model’s shape)', () => {
    if (!game.margin.ok || !game.marginCurve) throw new Error('no fit');
    const at = game.lines.used.filter((l) => l.kind === 'spread' && l.strike === 12.5);
    const consensus =
      at.reduce((s, l) => s + l.weight * l.probability, 0) / at.reduce((s, l) => s + l.weight, 0);
    const t = strikeTheo(game, { kind: 'spread', direction: 'over', threshold: 12.5 });
    if (!t.ok) throw new Error(t.detail);
    expect(t.probability).toBeCloseTo(consensus, 6);
    expect(Math.abs(t.probability - probabilityOver(game.margin.distribution, 12.5))).toBeGreaterThan(0);
  });

  it('property: monotone in the strike for every kind and direction', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('spread' as const, 'total' as const),
        fc.double({ min: -40, max: 40, noNaN: true }),
        fc.double({ min: 0, max: 20, noNaN: true }),
        (kind, offset, step) => {
          const base = kind === 'spread' ? 0 : 226;
          const at = (x: number, direction: 'over' | 'under') => {
            const t = strikeTheo(game, { kind, direction, threshold: base + x });
            if (!t.ok) throw new Error(t.detail);
            return t.probability;
          };
          expect(at(offset + step, 'over')).toBeLessThanOrEqual(at(offset, 'over') + 1e-12);
          expect(at(offset + step, 'under')).toBeGreaterThanOrEqual(at(offset, 'under') - 1e-12);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('one book off the others', () => {
  it('a minority book whose alternates sit beyond its vig is dropped (off-consensus) and the rest still fit', () => {
    const e = EventOddsSchema.parse(fixture('basketball_nba_event_odds_alternates.json'));
    const shifted = {
      ...e,
      bookmakers: e.bookmakers.map((b) =>
        b.key !== 'fanduel'
          ? b
          : {
              ...b,
              markets: b.markets.map((m) =>
                m.key !== 'alternate_spreads' && m.key !== 'spreads'
                  ? m
                  : {
                      ...m,
                      // every spread line 6¢ richer on the home side (still monotone, main line within the moneyline check)
                      outcomes: m.outcomes.map((o) => ({
                        ...o,
                        price: o.name === e.home_team ? 1 / (1 / o.price + 0.06) : 1 / (1 / o.price - 0.06),
                      })),
                    },
              ),
            },
      ),
    };
    const game = computeGameStrikeTheo(shifted, { asOf, oddsFormat: 'decimal' });
    expect(game.margin.ok).toBe(true);
    expect(
      game.lines.dropped.filter((d) => d.reason === 'off-consensus').every((d) => d.book === 'fanduel'),
    ).toBe(true);
    expect(game.lines.dropped.some((d) => d.reason === 'off-consensus')).toBe(true);
    expect(game.lines.used.some((l) => l.book === 'fanduel' && l.kind === 'spread')).toBe(false);
  });
});

describe('refusals', () => {
  const events = OddsResponseSchema.parse(fixture('basketball_nba_odds_lines_edge_cases.json'));
  const games = events.map((e) => computeGameStrikeTheo(e, { asOf, oddsFormat: 'decimal' }));

  it('a fat-tailed ladder no normal fits is refused with a reason, and so is every strike of it', () => {
    const g = games[0]!;
    expect(g.margin.ok).toBe(false);
    if (!g.margin.ok) {
      expect(['poor-fit', 'sd-at-bound']).toContain(g.margin.reason);
      expect(g.margin.detail.length).toBeGreaterThan(10);
    }
    const t = strikeTheo(g, { kind: 'spread', direction: 'over', threshold: 4.5 });
    expect(t.ok).toBe(false);
  });

  it('no total line: totals refused; spreads still priced', () => {
    const g = games[1]!;
    expect(g.total).toMatchObject({ ok: false, reason: 'no-lines' });
    expect(g.margin.ok).toBe(true);
    expect(strikeTheo(g, { kind: 'total', direction: 'over', threshold: 225.5 })).toMatchObject({
      ok: false,
      reason: 'no-lines',
    });
  });

  it('no spread line at all: the margin is refused rather than priced from a prior alone', () => {
    const e = EventOddsSchema.parse(fixture('basketball_nba_event_odds_alternates.json'));
    const onlyH2h = {
      ...e,
      bookmakers: e.bookmakers.map((b) => ({ ...b, markets: b.markets.filter((m) => m.key === 'h2h') })),
    };
    const g = computeGameStrikeTheo(onlyH2h, { asOf, oddsFormat: 'decimal' });
    expect(g.margin).toMatchObject({ ok: false, reason: 'no-lines' });
  });

  it('a sport without a configured shape, or a 3-way winner, is refused', () => {
    const e = EventOddsSchema.parse(fixture('basketball_nba_event_odds_alternates.json'));
    const g: GameStrikeTheo = computeGameStrikeTheo(
      { ...e, sport_key: 'soccer_epl' },
      { asOf, oddsFormat: 'decimal' },
    );
    expect(g.margin).toMatchObject({ ok: false, reason: 'unsupported-sport' });
    expect(g.total).toMatchObject({ ok: false, reason: 'unsupported-sport' });
  });
});

describe('NFL key numbers', () => {
  const events = OddsResponseSchema.parse(
    fixture('americanfootball_nfl_odds_h2h_spreads_totals_american.json'),
  );
  const kc = computeGameStrikeTheo(events[0]!, { asOf, oddsFormat: 'american' });

  it('the key-number margin prices a strike across a key number, wider, and says which', () => {
    // KC's lines: the moneyline (0) and the main spread at 3; 7.5 lies across 7 from 3
    if (!kc.margin.ok) throw new Error(kc.margin.detail);
    expect(kc.margin.distribution.keys?.map((k) => k.at)).toEqual([3, 4, 6, 7, 10, 14]);
    const t = strikeTheo(kc, { kind: 'spread', direction: 'over', threshold: 7.5 });
    if (!t.ok) throw new Error(t.detail);
    expect(t.keyNumbersCrossed).toEqual([7]);
    expect(t.wideEdge).toBe(true);
    expect(t.extraEdge).toBeGreaterThanOrEqual(0.02);
    // 2.5 against the integer line 3: the model's push at 3 converts it
    expect(strikeTheo(kc, { kind: 'spread', direction: 'over', threshold: 2.5 }).ok).toBe(true);
    // 3.5 against the line at 3 crosses nothing
    const near = strikeTheo(kc, { kind: 'spread', direction: 'over', threshold: 3.5 });
    expect(near.ok && near.keyNumbersCrossed).toEqual([]);
  });

  it('the key model piles mass on 3 and 7 where the normal spreads it evenly', () => {
    const plain = computeGameStrikeTheo(
      events[0]!,
      { asOf, oddsFormat: 'american' },
      StrikeTheoConfigSchema.parse({ keyMargins: {}, anchorToBooks: false }),
    );
    const keyed = computeGameStrikeTheo(
      events[0]!,
      { asOf, oddsFormat: 'american' },
      StrikeTheoConfigSchema.parse({ anchorToBooks: false }),
    );
    if (!plain.margin.ok || !keyed.margin.ok) throw new Error('refused');
    const at = (d: typeof plain.margin.distribution, k: number) =>
      probabilityOver(d, k - 0.5) - probabilityOver(d, k + 0.5);
    for (const k of [3, 7, -3, -7])
      expect(at(keyed.margin.distribution, k)).toBeGreaterThan(at(plain.margin.distribution, k) * 1.5);
    expect(at(keyed.margin.distribution, 5)).toBeLessThan(at(plain.margin.distribution, 5));
  });

  it('across-key-numbers stays a refusal where the model cannot speak: a margin without key masses', () => {
    // (a) the sport has key numbers but no key model configured: the fit is the plain normal
    const plain = computeGameStrikeTheo(
      events[0]!,
      { asOf, oddsFormat: 'american' },
      StrikeTheoConfigSchema.parse({ keyMargins: {} }),
    );
    const t = strikeTheo(plain, { kind: 'spread', direction: 'over', threshold: 7.5 });
    expect(t).toMatchObject({ ok: false, reason: 'across-key-numbers' });
    if (!t.ok) expect(t.detail).toMatch(/key numbers 7 /);
    expect(strikeTheo(plain, { kind: 'spread', direction: 'over', threshold: 2.5 }).ok).toBe(false);
    // (b) a fit stored before the key model (no `keys` on its distribution) is read the same way
    if (!kc.margin.ok) throw new Error(kc.margin.detail);
    const { keys: _dropped, ...normal } = kc.margin.distribution;
    const old = { ...kc, margin: { ...kc.margin, distribution: normal }, marginCurve: null };
    expect(strikeTheo(old, { kind: 'spread', direction: 'over', threshold: 7.5 })).toMatchObject({
      ok: false,
      reason: 'across-key-numbers',
    });
  });

  it('without a key model, allowed one key number by config, the strike is priced with a wider edge and says which', () => {
    const config = StrikeTheoConfigSchema.parse({ maxKeyNumbersCrossed: 1, keyMargins: {} });
    const plain = computeGameStrikeTheo(events[0]!, { asOf, oddsFormat: 'american' }, config);
    const t = strikeTheo(plain, { kind: 'spread', direction: 'over', threshold: 7.5 }, config);
    if (!t.ok) throw new Error(t.detail);
    expect(t.keyNumbersCrossed).toEqual([7]);
    expect(t.wideEdge).toBe(true);
    expect(t.extraEdge).toBeGreaterThanOrEqual(0.02);
    // the NBA has no key numbers: the same distance crosses nothing
    const nba = computeGameStrikeTheo(
      EventOddsSchema.parse(fixture('basketball_nba_event_odds_alternates.json')),
      {
        asOf,
        oddsFormat: 'decimal',
      },
    );
    const n = strikeTheo(nba, { kind: 'spread', direction: 'over', threshold: 7.5 });
    expect(n.ok && n.keyNumbersCrossed).toEqual([]);
  });
});

describe('NFL (American prices, main lines only, key-number truth)', () => {
  const events = OddsResponseSchema.parse(
    fixture('americanfootball_nfl_odds_h2h_spreads_totals_american.json'),
  );

  it('fits each game within the books’ vig and reproduces the winner', () => {
    for (const e of events) {
      const g = computeGameStrikeTheo(e, { asOf, oddsFormat: 'american' });
      if (!g.margin.ok || !g.total.ok) throw new Error('refused');
      expect(g.winnerError!).toBeLessThan(0.005);
      expect(g.margin.diagnostics.outsideVig).toBe(0);
      expect(g.total.sdSource).toBe('prior'); // one total strike cannot identify σ
    }
  });
});
