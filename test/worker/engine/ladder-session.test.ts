import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RefreshRequestInput } from '../../../shared/events/refresh-request.ts';
import { EventOddsSchema } from '../../../shared/odds/schemas.ts';
import { type StrikeTheoRecord, strikeTheoRecordFromGame } from '../../../shared/pricing/strike-record.ts';
import { computeGameStrikeTheo } from '../../../shared/pricing/strike-theo.ts';
import { type Contract, contractFromQuery } from '../../../shared/risk/payoff.ts';
import { gameLadders } from '../../../worker/engine/ladder-markets.ts';
import { gameWorstLoss } from '../../../worker/engine/ladder-risk.ts';
import type { ListedEvent, ListedMarket } from '../../../worker/engine/ports.ts';
import { A, advance, B, c, EVENT, fill, START, sessionRig, settle, started } from './session-rig.ts';
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
      greater('SP-BAD', 'Milwaukee wins by over 7.5 Points', 9.5),
    ],
  },
  {
    eventTicker: 'KXNBATOTAL-26NOV25BOSMIL',
    seriesTicker: 'KXNBATOTAL',
    title: 'Boston at Milwaukee: Total Points',
    startMs,
    markets: [greater('TO-221', 'Over 220.5 points scored', 220.5)],
  },
  {
    // another game's ladder: not this game's
    eventTicker: 'KXNBATOTAL-26NOV25LALGSW',
    seriesTicker: 'KXNBATOTAL',
    title: 'Los Angeles L at Golden State: Total Points',
    startMs,
    markets: [greater('TO-LAL', 'Over 230.5 points scored', 230.5)],
  },
];

describe('a session with the strikeTheos port registers each game its ladders', () => {
  it('lists the sport ladder series, maps every strike under the game, reports the unmapped, reads the fits', async () => {
    const reads: string[][] = [];
    const r = sessionRig({
      ports: () => ({
        strikeTheos: {
          read: async (ids) => {
            reads.push([...ids]);
            return [] as StrikeTheoRecord[];
          },
        },
      }),
    });
    r.ex.events = [...sessionListing(START), ...ladders(START)];
    await started(r);
    expect(r.ex.calls).toContain('listEvents KXNBASPREAD');
    expect(r.ex.calls).toContain('listEvents KXNBATOTAL');
    const registered = r.log.lines.find((l) => l.event === 'ladder_registered');
    expect(registered?.fields).toMatchObject({
      eventTicker: EVENT,
      events: ['KXNBASPREAD-26NOV25BOSMIL', 'KXNBATOTAL-26NOV25BOSMIL'],
      mapped: 3,
      unmapped: 1,
    });
    const unmapped = r.log.lines.find((l) => l.event === 'ladder_markets_unmapped');
    expect(unmapped?.level).toBe('warn');
    expect(String(unmapped?.fields?.['markets'])).toMatch(/SP-BAD strike-mismatch/);
    expect(r.metrics.counts.get('LadderMarketsUnmapped')).toBe(1);
    expect(r.metrics.counts.get('LadderMarketsMapped')).toBe(3);
    await r.session.pollTheos();
    expect(reads.at(-1)).toEqual(['odds-1']);
    // No fit stored: no order on a ladder market.
    expect(r.ex.created.filter((c) => !c.ticker.startsWith(EVENT))).toEqual([]);
    r.session.dispose();
  });

  it("with the port limited to other sports (LADDER_SPORTS), this sport's ladders are not listed", async () => {
    const r = sessionRig({
      ports: () => ({
        strikeTheos: { read: async () => [] as StrikeTheoRecord[], sports: ['americanfootball_nfl'] },
      }),
    });
    r.ex.events = [...sessionListing(START), ...ladders(START)];
    await started(r);
    expect(r.ex.calls.filter((c) => /SPREAD|TOTAL/.test(c))).toEqual([]);
    expect(r.log.lines.some((l) => l.event === 'ladder_registered')).toBe(false);
    r.session.dispose();
  });

  it('without the port nothing of it runs: no ladder series listed (winner-only sessions as before)', async () => {
    const r = sessionRig();
    r.ex.events = [...sessionListing(START), ...ladders(START)];
    await started(r);
    expect(r.ex.calls.filter((c) => /SPREAD|TOTAL/.test(c))).toEqual([]);
    expect(r.log.lines.some((l) => l.event.startsWith('ladder_'))).toBe(false);
    r.session.dispose();
  });
});

describe('an ended game lets its strike markets go', () => {
  it('once the game has closed, the next discovery drops its strikes from the tracked markets; a strike with a position stays until flat', async () => {
    const r = sessionRig({ ports: () => ({ strikeTheos: { read: async () => [] as StrikeTheoRecord[] } }) });
    r.ex.events = [...sessionListing(START), ...ladders(START)];
    await started(r);
    for (const t of ['SP-MIL5', 'SP-BOS2', 'TO-221']) expect(r.session.eventOf(t)).toBe(EVENT);
    r.ex.emit(fill('f1', 'TO-221', 'bid', 3));
    await r.session.idle();
    expect(r.session.position('TO-221')).not.toBe(0);

    r.ex.emit({ type: 'lifecycle', ticker: A, kind: 'closed' });
    await r.session.idle();
    const ladderListings = () => r.ex.calls.filter((x) => /SPREAD|TOTAL/.test(x)).length;
    const before = ladderListings();
    await r.session.discover();
    expect(r.session.eventOf('SP-MIL5')).toBeUndefined();
    expect(r.session.eventOf('SP-BOS2')).toBeUndefined();
    expect(r.session.eventOf('TO-221')).toBe(EVENT); // its fill and settlement are still the game's
    expect(r.session.eventOf(A)).toBe(EVENT); // the winner markets are not the ladder's to release
    expect(ladderListings()).toBe(before); // an ended game's ladders are not listed again

    r.ex.emit(fill('f2', 'TO-221', 'ask', 3));
    await r.session.idle();
    expect(r.session.position('TO-221')).toBe(0);
    await r.session.discover();
    expect(r.session.eventOf('TO-221')).toBeUndefined();
    r.session.dispose();
  });
});

describe('a session quotes its strike markets under the game payoff limit', () => {
  const event = EventOddsSchema.parse(
    JSON.parse(
      readFileSync(
        new URL('../../fixtures/odds/basketball_nba_event_odds_alternates.json', import.meta.url),
        'utf8',
      ),
    ),
  );
  const FIXTURE_AS_OF = Date.parse('2026-01-20T18:05:00Z');
  const fitAt = (asOf: number): StrikeTheoRecord => ({
    // Fitted when the fixture was taken; stored as of the session's now.
    ...strikeTheoRecordFromGame(
      computeGameStrikeTheo(event, { asOf: FIXTURE_AS_OF, oddsFormat: 'decimal' }),
      {
        commenceTime: START,
        asOf,
        source: 'poll',
      },
    ),
    eventId: 'odds-1',
  });
  const strikes = ['SP-MIL5', 'SP-BOS2', 'TO-221'];
  // What each market pays on, from the real ladder mapping (the winner markets: Boston away, Milwaukee home).
  const mapped = gameLadders(
    {
      eventTicker: EVENT,
      sportKey: 'basketball_nba',
      homeTeam: 'Milwaukee',
      awayTeam: 'Boston',
      kalshiStartMs: START,
    },
    ladders(START),
  ).mapped;
  const contracts = new Map<string, Contract>([
    [A, { kind: 'winner', side: 'away' }],
    [B, { kind: 'winner', side: 'home' }],
    ...mapped.map((m) => [m.ticker, contractFromQuery(m.query)] as [string, Contract]),
  ]);

  it('a strike whose trusted position correction is still owed holds the game: no strike quoted until it is loaded', async () => {
    const r = sessionRig({
      ports: ({ clock }) => ({ strikeTheos: { read: async () => [fitAt(clock.now())] } }),
    });
    r.ex.events = [...sessionListing(START), ...ladders(START)];
    for (const t of strikes) r.ex.setBook(t, [{ price: c(2), size: 1_000 }], [{ price: c(98), size: 1_000 }]);
    let release = () => {};
    const gate = new Promise<void>((res) => {
      release = res;
    });
    const list = r.ex.listEvents.bind(r.ex);
    r.ex.listEvents = async (series: string) => {
      await gate;
      return list(series);
    };
    r.ex.positions.set('SP-MIL5', 3_000); // held from before the restart
    const starting = r.session.start();
    r.ex.emit({ type: 'connection', state: 'up' });
    r.ex.positions.set('SP-MIL5', 3_500);
    r.ex.emit({
      type: 'fill',
      tradeId: 't-early',
      orderId: 'ext-early',
      ticker: 'SP-MIL5',
      side: 'bid',
      price: c(50),
      count: 500,
      tsMs: START - 3 * 3_600_000,
    });
    release();
    await starting;
    await r.session.idle();
    await r.session.pollTheos();
    await settle(r.clock);
    // The fill came within positionLagMs of the listing: its position is not vouched for yet.
    expect(r.ex.created.filter((o) => strikes.includes(o.ticker))).toEqual([]);
    await advance(r.clock, r.config.positionLagMs + 400, 100);
    expect(r.session.position('SP-MIL5')).toBe(3_500);
    await r.session.pollTheos();
    await advance(r.clock, 500, 100);
    expect(r.ex.created.filter((o) => strikes.includes(o.ticker)).length).toBeGreaterThan(0);
    r.session.dispose();
  });

  it('rests strikes at theo ± edge, and while they rest and fill the worst-case loss never passes the limit', async () => {
    const cap = 1_500; // 15 contracts: $15 of worst-case loss
    const r = sessionRig({
      cap,
      ports: ({ clock }) => ({ strikeTheos: { read: async () => [fitAt(clock.now())] } }),
    });
    r.ex.events = [...sessionListing(START), ...ladders(START)];
    for (const t of strikes) r.ex.setBook(t, [{ price: c(2), size: 1_000 }], [{ price: c(98), size: 1_000 }]);
    await started(r);
    expect(r.ex.tracked).toEqual(expect.arrayContaining(strikes));
    await r.session.pollTheos();
    await settle(r.clock);
    const onStrikes = () => r.ex.resting().filter((o) => strikes.includes(o.ticker));
    expect(onStrikes().length).toBeGreaterThan(0);
    for (const o of onStrikes()) {
      expect(o.price % c(1)).toBe(0);
      expect(o.price).toBeGreaterThan(c(2));
      expect(o.price).toBeLessThan(c(98));
    }

    // Exchange truth: positions with their average entry, every resting order at its price.
    const pos = new Map<string, { size: number; cost: number }>();
    const worst = () =>
      gameWorstLoss({
        contracts,
        positions: new Map([...pos].map(([t, p]) => [t, p.size])),
        entryPrices: new Map([...pos].filter(([, p]) => p.size !== 0).map(([t, p]) => [t, p.cost / p.size])),
        orders: r.ex
          .resting()
          .map((o) => ({ ticker: o.ticker, side: o.side, remaining: o.remaining, price: o.price })),
        limit: 0,
        ties: false,
      });
    const limit = (cap * 1_000_000) / 100;
    expect(worst()).toBeLessThanOrEqual(limit);
    let fills = 0;
    for (let round = 0; round < 20; round++) {
      const mine = r.ex.resting().filter((o) => strikes.includes(o.ticker) && o.side === 'bid');
      if (mine.length === 0) break;
      // Takers buy from us on every strike, one order at a time, the requote between: the book only grows long.
      const o = mine[round % mine.length]!;
      const snap = r.ex.snapshot(o.orderId);
      const f = r.ex.fill(o.orderId, o.remaining);
      r.ex.emit({ ...snap, remaining: 0, filled: snap.filled + f.count, status: 'executed', tsMs: f.tsMs });
      fills++;
      const p = pos.get(f.ticker) ?? { size: 0, cost: 0 };
      const signed = f.side === 'bid' ? f.count : -f.count;
      const next = p.size + signed;
      // Average entry of what is held: a reducing fill keeps it, a flip starts at the fill's price.
      const cost =
        Math.sign(next) !== Math.sign(p.size) && next !== 0
          ? next * f.price
          : Math.abs(next) > Math.abs(p.size)
            ? p.cost + signed * f.price
            : next === 0
              ? 0
              : (p.cost * next) / p.size;
      pos.set(f.ticker, { size: next, cost });
      // Time for the write budget to refill: the requote's writes are sent, not deferred.
      await advance(r.clock, 1_000);
      expect(worst()).toBeLessThanOrEqual(limit);
    }
    expect(fills).toBeGreaterThan(3);
    // The limit bound: the gate cut or refused writes on the game's payoff.
    expect(r.session.snapshot().counters['riskDenied']).toBeGreaterThan(0);
    expect([...pos.keys()].some((t) => strikes.includes(t))).toBe(true);
    // A strike fill is the game's, not an untracked market's.
    expect(r.session.snapshot().alerts.filter((a) => /untracked/.test(a.message))).toEqual([]);
    r.session.dispose();
  });

  it('strike fills alone that skew the game past refreshSkew request an odds refresh, as winner fills do', async () => {
    const cap = 1_500;
    const published: RefreshRequestInput[] = [];
    const r = sessionRig({
      cap,
      ports: ({ clock }) => ({
        strikeTheos: { read: async () => [fitAt(clock.now())] },
        refresh: {
          publish: async (req) => {
            published.push(req);
          },
        },
      }),
    });
    r.ex.events = [...sessionListing(START), ...ladders(START)];
    for (const t of strikes) r.ex.setBook(t, [{ price: c(2), size: 1_000 }], [{ price: c(98), size: 1_000 }]);
    await started(r);
    await r.session.pollTheos();
    await settle(r.clock);
    for (let round = 0; round < 20 && published.length === 0; round++) {
      // Takers buy every strike from us (the winners untouched): the game's payoff grows one-sided.
      const mine = r.ex.resting().filter((o) => strikes.includes(o.ticker) && o.side === 'bid');
      if (mine.length === 0) break;
      const o = mine[round % mine.length]!;
      const snap = r.ex.snapshot(o.orderId);
      const f = r.ex.fill(o.orderId, o.remaining);
      r.ex.emit({ ...snap, remaining: 0, filled: snap.filled + f.count, status: 'executed', tsMs: f.tsMs });
      await advance(r.clock, 1_000);
    }
    expect(published.map((p) => [p.kalshiEventTicker, p.reason])).toEqual([[EVENT, 'inventory-skew']]);
    r.session.dispose();
  });

  it('a strike left idle says why on the game: no fit stored, its reason per strike beside the game quoting', async () => {
    const r = sessionRig({ ports: () => ({ strikeTheos: { read: async () => [] } }) });
    r.ex.events = [...sessionListing(START), ...ladders(START)];
    for (const t of strikes) r.ex.setBook(t, [{ price: c(2), size: 1_000 }], [{ price: c(98), size: 1_000 }]);
    await started(r);
    await r.session.pollTheos();
    await settle(r.clock);
    const game = r.session.snapshot().games.find((g) => g.eventTicker === EVENT)!;
    expect(game.status).toBe('quoting');
    for (const t of strikes) expect(game.reasons).toContain(`${t}: no-strike-theo`);
    expect(r.ex.resting().filter((o) => strikes.includes(o.ticker))).toEqual([]);
    r.session.dispose();
  });

  it('the stop before the start pulls the strikes too: nothing of the game rests past its stop time', async () => {
    const r = sessionRig({
      ports: ({ clock }) => ({ strikeTheos: { read: async () => [fitAt(clock.now())] } }),
    });
    // A game starting 7 minutes after the session's start: its stop (start − 5 min) comes 2 minutes in.
    const start = START - 3 * 3_600_000 + 7 * 60_000;
    r.ex.events = [...sessionListing(start), ...ladders(start)];
    for (const t of strikes) r.ex.setBook(t, [{ price: c(2), size: 1_000 }], [{ price: c(98), size: 1_000 }]);
    await started(r);
    await r.session.pollTheos();
    await settle(r.clock);
    expect(r.ex.resting().filter((o) => strikes.includes(o.ticker)).length).toBeGreaterThan(0);
    // To the stop (start − 5 min) and past it, the strike fit kept fresh: only the stop can pull them.
    const stopAt = start - 5 * 60_000;
    expect(r.clock.now()).toBeLessThan(stopAt);
    while (r.clock.now() < stopAt + 10_000) {
      await advance(r.clock, Math.min(60_000, stopAt + 10_000 - r.clock.now()), 1_000);
      await r.session.pollTheos();
    }
    await settle(r.clock);
    expect(r.ex.resting().map((o) => o.ticker)).toEqual([]);
    r.session.dispose();
  }, 60_000);
});
