import { describe, expect, it } from 'vitest';
import { type Market, MarketSchema } from '../../../shared/kalshi/schemas/rest.ts';
import { mapStrikeMarket, mapStrikeMarkets } from '../../../shared/mapping/strikes.ts';

const game = { sportKey: 'basketball_nba', homeTeam: 'Boston Celtics', awayTeam: 'Miami Heat' };
const nfl = { sportKey: 'americanfootball_nfl', homeTeam: 'Kansas City Chiefs', awayTeam: 'Buffalo Bills' };

/** A market object as GET /markets returns it (the fields a ladder uses), parsed by our schema. */
const market = (fields: Record<string, unknown>): Market =>
  MarketSchema.parse({ event_ticker: 'KXNBASPREAD-26JAN20MIABOS', status: 'active', ...fields });

describe('the REST market schema reads strike metadata additively', () => {
  it('keeps strike_type, floor_strike and cap_strike; a winner market without them still parses', () => {
    const m = market({ ticker: 'T-1', strike_type: 'greater', floor_strike: 6.5 });
    expect(m.strike_type).toBe('greater');
    expect(m.floor_strike).toBe(6.5);
    expect(market({ ticker: 'T-2' }).strike_type).toBeUndefined();
    // an unknown strike type is read as 'unknown', not a parse failure
    expect(market({ ticker: 'T-3', strike_type: 'sideways' }).strike_type).toBe('unknown');
  });
});

describe('mapStrikeMarket', () => {
  it('a home spread from metadata, cross-checked against its title', () => {
    const r = mapStrikeMarket(
      market({
        ticker: 'KXNBASPREAD-26JAN20MIABOS-BOS6',
        yes_sub_title: 'Boston wins by over 6.5 Points',
        strike_type: 'greater',
        floor_strike: 6.5,
      }),
      'KXNBASPREAD',
      game,
    );
    expect(r).toEqual({
      kind: 'mapped',
      ticker: 'KXNBASPREAD-26JAN20MIABOS-BOS6',
      query: { kind: 'spread', direction: 'over', threshold: 6.5 },
      team: 'home',
      source: 'metadata',
    });
  });

  it('an away spread is the home margin under minus the strike', () => {
    const r = mapStrikeMarket(
      market({
        ticker: 'X-MIA3',
        title: 'Miami wins by over 3.5 points?',
        strike_type: 'greater',
        floor_strike: 3.5,
      }),
      'KXNBASPREAD',
      game,
    );
    expect(r).toMatchObject({
      kind: 'mapped',
      team: 'away',
      query: { kind: 'spread', direction: 'under', threshold: -3.5 },
    });
  });

  it('the ticker is never read: a ticker naming the other team changes nothing', () => {
    const r = mapStrikeMarket(
      market({
        ticker: 'X-BOS3',
        yes_sub_title: 'Miami Heat wins by over 3.5 Points',
        strike_type: 'greater',
        floor_strike: 3.5,
      }),
      'KXNBASPREAD',
      game,
    );
    expect(r).toMatchObject({ kind: 'mapped', team: 'away' });
  });

  it('totals: greater, greater_or_equal, less, less_or_equal on integer outcomes', () => {
    const total = (strike_type: string, f: Record<string, unknown>) =>
      mapStrikeMarket(market({ ticker: 'X-T', strike_type, ...f }), 'KXNBATOTAL', game);
    expect(total('greater', { floor_strike: 220.5 })).toMatchObject({
      query: { kind: 'total', direction: 'over', threshold: 220.5 },
    });
    // ≥ 221 ⇔ > 220.5
    expect(total('greater_or_equal', { floor_strike: 221 })).toMatchObject({
      query: { direction: 'over', threshold: 220.5 },
    });
    expect(total('less', { cap_strike: 220.5 })).toMatchObject({
      query: { direction: 'under', threshold: 220.5 },
    });
    // ≤ 220 ⇔ < 220.5
    expect(total('less_or_equal', { cap_strike: 220 })).toMatchObject({
      query: { direction: 'under', threshold: 220.5 },
    });
  });

  it('without metadata, the strike is read from the title', () => {
    const r = mapStrikeMarket(
      market({ ticker: 'X-T', title: 'Over 45.5 points scored?' }),
      'KXNFLTOTAL',
      nfl,
    );
    expect(r).toMatchObject({
      kind: 'mapped',
      source: 'text',
      query: { kind: 'total', direction: 'over', threshold: 45.5 },
    });
    const s = mapStrikeMarket(
      market({ ticker: 'X-S', yes_sub_title: 'Buffalo wins by at least 7' }),
      'KXNFLSPREAD',
      nfl,
    );
    expect(s).toMatchObject({ kind: 'mapped', team: 'away', query: { direction: 'under', threshold: -6.5 } });
  });

  it('unmapped, with a reason, whenever the market cannot be read for sure', () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [
        { title: 'Boston wins by over 6.5 Points', strike_type: 'greater', floor_strike: 7.5 },
        'KXNBASPREAD',
        'strike-mismatch',
      ],
      [
        { title: 'Under 220.5 points', strike_type: 'greater', floor_strike: 220.5 },
        'KXNBATOTAL',
        'strike-mismatch',
      ],
      [
        { title: 'Between 210 and 220', strike_type: 'between', floor_strike: 210, cap_strike: 220 },
        'KXNBATOTAL',
        'unsupported-strike-type',
      ],
      [{ title: 'Boston wins by over 6.5', strike_type: 'greater' }, 'KXNBASPREAD', 'no-strike'],
      [
        { title: 'Boston wins by over 6.5', strike_type: 'greater', floor_strike: 'six' },
        'KXNBASPREAD',
        'no-strike',
      ],
      [{ title: 'Who covers?' }, 'KXNBASPREAD', 'no-strike'],
      [{ strike_type: 'greater', floor_strike: 6.5 }, 'KXNBASPREAD', 'unresolved-team'],
      [
        { title: 'Denver wins by over 6.5 Points', strike_type: 'greater', floor_strike: 6.5 },
        'KXNBASPREAD',
        'unresolved-team',
      ],
      [{ title: 'Over 6.5' }, 'KXNBAPRA', 'unknown-series'],
      [{ title: 'Over 45.5' }, 'KXNFLTOTAL', 'sport-mismatch'],
    ];
    for (const [fields, series, reason] of cases) {
      const r = mapStrikeMarket(market({ ticker: 'X-1', ...fields }), series, game);
      expect(r, JSON.stringify(fields)).toMatchObject({ kind: 'unmapped', reason });
      if (r.kind === 'unmapped') expect(r.detail).toMatch(/^X-1: /);
    }
  });

  it('a name that fits both teams of the game is ambiguous', () => {
    const la = {
      sportKey: 'basketball_nba',
      homeTeam: 'Los Angeles Lakers',
      awayTeam: 'Los Angeles Clippers',
    };
    const r = mapStrikeMarket(
      market({
        ticker: 'X-LA',
        title: 'Los Angeles wins by over 2.5 Points',
        strike_type: 'greater',
        floor_strike: 2.5,
      }),
      'KXNBASPREAD',
      la,
    );
    expect(r).toMatchObject({ kind: 'unmapped', reason: 'ambiguous-team' });
  });

  it('mapStrikeMarkets splits a ladder into mapped and unmapped', () => {
    const { mapped, unmapped } = mapStrikeMarkets(
      [
        market({ ticker: 'L-1', title: 'Over 215.5 points', strike_type: 'greater', floor_strike: 215.5 }),
        market({ ticker: 'L-2', title: 'Over 220.5 points', strike_type: 'greater', floor_strike: 220.5 }),
        market({ ticker: 'L-3', title: 'Over 225.5 points', strike_type: 'greater', floor_strike: 230.5 }),
      ],
      'KXNBATOTAL',
      game,
    );
    expect(mapped.map((m) => m.ticker)).toEqual(['L-1', 'L-2']);
    expect(unmapped.map((m) => [m.ticker, m.reason])).toEqual([['L-3', 'strike-mismatch']]);
  });
});
