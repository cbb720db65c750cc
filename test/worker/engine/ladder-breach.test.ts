/**
 * One risk per game, after the gate: a game with strike markets is judged on
 * its whole payoff (winner + strikes) by fill intake's breach kill and by the
 * game's at-limit status, as a winner-only game is on its exposure.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EventOddsSchema } from '../../../shared/odds/schemas.ts';
import { type StrikeTheoRecord, strikeTheoRecordFromGame } from '../../../shared/pricing/strike-record.ts';
import { computeGameStrikeTheo } from '../../../shared/pricing/strike-theo.ts';
import type { ListedEvent, ListedMarket } from '../../../worker/engine/ports.ts';
import { advance, B, c, fill, START, sessionRig, settle, started } from './session-rig.ts';
import { sessionListing } from './support.ts';

const greater = (ticker: string, text: string, floor: number): ListedMarket => ({
  ticker,
  yesSubTitle: text,
  status: 'active',
  strike: { strikeType: 'greater', floorStrike: floor, capStrike: null },
});
const ladders = (startMs: number): ListedEvent[] => [
  {
    eventTicker: 'KXNBASPREAD-26NOV25BOSMIL',
    seriesTicker: 'KXNBASPREAD',
    title: 'Boston at Milwaukee: Spread',
    startMs,
    markets: [
      greater('SP-MIL5', 'Milwaukee wins by over 4.5 Points', 4.5),
      greater('SP-BOS2', 'Boston wins by over 1.5 Points', 1.5),
    ],
  },
  {
    eventTicker: 'KXNBATOTAL-26NOV25BOSMIL',
    seriesTicker: 'KXNBATOTAL',
    title: 'Boston at Milwaukee: Total Points',
    startMs,
    markets: [greater('TO-221', 'Over 220.5 points scored', 220.5)],
  },
];
const STRIKES = ['SP-MIL5', 'SP-BOS2', 'TO-221'];

const event = EventOddsSchema.parse(
  JSON.parse(
    readFileSync(
      new URL('../../fixtures/odds/basketball_nba_event_odds_alternates.json', import.meta.url),
      'utf8',
    ),
  ),
);
const fitAt = (asOf: number): StrikeTheoRecord => ({
  ...strikeTheoRecordFromGame(
    computeGameStrikeTheo(event, { asOf: Date.parse('2026-01-20T18:05:00Z'), oddsFormat: 'decimal' }),
    { commenceTime: START, asOf, source: 'poll' },
  ),
  eventId: 'odds-1',
});

function ladderRig(cap: number) {
  const r = sessionRig({
    cap,
    ports: ({ clock }) => ({ strikeTheos: { read: async () => [fitAt(clock.now())] } }),
  });
  r.ex.events = [...sessionListing(START), ...ladders(START)];
  for (const t of STRIKES) r.ex.setBook(t, [{ price: c(2), size: 1_000 }], [{ price: c(98), size: 1_000 }]);
  return r;
}

describe('the breach kill reads the game payoff: strike fills count', () => {
  it('strike fills alone that push the worst-case loss past the limit trip the kill switch', async () => {
    const r = await started(ladderRig(1_500)); // $15 of worst-case loss
    await r.session.pollTheos();
    await settle(r.clock);
    // Fills the gate never saw (a manual order on the same account), on two strikes that lose together
    // (Milwaukee by 5+ and Boston by 2+ cannot both pay): 20 YES at 50¢ on each risks $20 at a Milwaukee
    // win by 1..4 — and the winner markets are flat, so their exposure reads 0.
    r.session.handle(fill('manual-1', 'SP-MIL5', 'bid', 2_000));
    expect(r.session.killSwitch.tripped).toBe(false); // $10: within the limit
    r.session.handle(fill('manual-2', 'SP-BOS2', 'bid', 2_000));
    expect(r.session.killSwitch.state.source).toBe('limit_breach');
    expect(r.session.snapshot().counters['limitBreaches']).toBe(1);
    for (let i = 0; i < 40 && r.session.killSwitch.state.phase === 'flattening'; i++)
      await advance(r.clock, 500);
    expect(r.ex.resting()).toEqual([]);
    r.session.dispose();
  });

  it('a strike fill that hedges the winner position is no breach, though alone it would pass the limit', async () => {
    const r = await started(ladderRig(1_500));
    await r.session.pollTheos();
    await settle(r.clock);
    // 30 YES Milwaukee (home) at 40¢: loses $12 if Boston wins — within $15.
    r.session.handle(fill('manual-1', B, 'bid', 3_000, c(40)));
    // 30 NO "Milwaukee by 5+" (YES sold at 45¢): alone it loses $16.50 on a Milwaukee win by 5+, but there
    // the winner YES pays $18; where the winner loses, the NO pays $13.50. Worst case: none.
    r.session.handle(fill('manual-2', 'SP-MIL5', 'ask', 3_000, c(45)));
    expect(r.session.killSwitch.tripped).toBe(false);
    expect(r.session.snapshot().counters['limitBreaches']).toBe(0);
    r.session.dispose();
  });
});

describe('strike quotes skew on the game payoff', () => {
  it('long a strike, the game requotes it lower: its ask (which gets the game back) nearer, its bid further', async () => {
    const r = await started(ladderRig(1_500));
    await r.session.pollTheos();
    await settle(r.clock);
    const quote = () => {
      const mine = r.ex.resting().filter((o) => o.ticker === 'SP-MIL5');
      return {
        bid: mine.find((o) => o.side === 'bid')?.price,
        ask: mine.find((o) => o.side === 'ask')?.price,
      };
    };
    const before = quote();
    expect(before.bid).toBeDefined();
    expect(before.ask).toBeDefined();
    // 14 YES at 50¢ from outside the gate: $7 of the $15 limit at risk where Milwaukee does not win by 5+.
    r.session.handle(fill('manual-1', 'SP-MIL5', 'bid', 1_400, c(50)));
    await advance(r.clock, 1_000);
    const after = quote();
    expect(after.ask!).toBeLessThanOrEqual(before.ask!);
    expect(after.bid!).toBeLessThanOrEqual(before.bid!);
    expect(before.ask! - after.ask! + (before.bid! - after.bid!)).toBeGreaterThanOrEqual(c(1));
    expect(r.session.killSwitch.tripped).toBe(false);
    r.session.dispose();
  });
});
