/**
 * On a wall clock a flush requotes its games one by one, and after a game whose writes are in flight the
 * next waits for the next turn of the loop: the first game's requests reach the socket (undici writes on
 * a tick of the turn that asked; bench/tick-to-quote measures it) before the second game is requoted.
 * Before, every dirty game of the socket read was requoted first and the first write left after the last
 * (issue #16: the leading write's wire time was the whole flush). A driven clock has no turns: the batch
 * is requoted in one pass, as the backtest always did.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../../../shared/clock.ts';
import type { ExchangeGateway, GameMapper, ListedEvent, TheoSnapshot } from '../../../worker/engine/ports.ts';
import { A, advance, B, c, EVENT, START, sessionRig, started, T0 } from './session-rig.ts';
import { sessionListing } from './support.ts';

/** Timers stay driven; deferrals and turns go to the wall clock as in production. */
class WallTurnClock extends ManualClock {
  override defer(fn: () => void): void {
    systemClock.defer(fn);
  }
  yieldTurn(fn: () => void): void {
    systemClock.yieldTurn!(fn);
  }
  override drain(): number {
    return 0;
  }
}

const EVENT2 = 'KXNBAGAME-26NOV25LALDEN';
const C = `${EVENT2}-LAL`;
const D = `${EVENT2}-DEN`;

const listing = (): ListedEvent[] => [
  ...sessionListing(START),
  {
    eventTicker: EVENT2,
    seriesTicker: 'KXNBAGAME',
    title: 'Los Angeles at Denver',
    startMs: START,
    markets: [
      { ticker: C, yesSubTitle: 'Los Angeles', status: 'active' },
      { ticker: D, yesSubTitle: 'Denver', status: 'active' },
    ],
  },
];

const matched = (
  oddsEventId: string,
  outcomeByTicker: Record<string, string>,
  home: string,
  away: string,
) => ({
  ok: true as const,
  oddsEventId,
  commenceMs: START,
  outcomeByTicker,
  homeTeam: home,
  awayTeam: away,
});

const mapper: GameMapper = {
  match: (_sport, ev) =>
    ev.eventTicker === EVENT
      ? matched('odds-1', { [A]: 'Boston', [B]: 'Milwaukee' }, 'Milwaukee', 'Boston')
      : ev.eventTicker === EVENT2
        ? matched('odds-2', { [C]: 'Los Angeles', [D]: 'Denver' }, 'Denver', 'Los Angeles')
        : { ok: false, reason: 'unmatched' },
};

/** Two quoting games; `seen` records each requote's quoter call, each write, and the tick after a write. */
async function twoGames(clock: ManualClock) {
  const seen: string[] = [];
  const hooks: { onWrite?: (game: string) => void } = {};
  const gameOf = (ticker: string | undefined) => (ticker?.startsWith(EVENT2) ? 'g2' : 'g1');
  const r = sessionRig({
    clock,
    ports: ({ ex }) => {
      const write =
        <T extends unknown[], R>(fn: (...a: T) => Promise<R>, ticker: (...a: T) => string | undefined) =>
        (...a: T): Promise<R> => {
          const g = gameOf(ticker(...a));
          seen.push(`write ${g}`);
          hooks.onWrite?.(g);
          // Where undici puts a request on its socket: a tick of the turn that asked for it.
          process.nextTick(() => seen.push(`tick after ${g}'s write`));
          return fn.apply(ex, a);
        };
      const gateway: ExchangeGateway = {
        listEvents: (s) => ex.listEvents(s),
        createOrders: write(ex.createOrders, (o) => o[0]?.ticker),
        amendOrder: write(ex.amendOrder, (o) => o.ticker),
        decreaseOrder: write(ex.decreaseOrder, (o) => o.ticker),
        cancelOrders: write(ex.cancelOrders, (o) => o[0]?.ticker),
        listRestingOrders: () => ex.listRestingOrders(),
        listPositions: () => ex.listPositions(),
        createOrderGroup: (l, shard) => ex.createOrderGroup(l, shard),
      };
      return {
        gateway,
        mapper,
        theos: {
          read: async (): Promise<TheoSnapshot[]> => [
            {
              oddsEventId: 'odds-1',
              probabilities: { Boston: 0.6, Milwaukee: 0.4 },
              updatedMs: clock.now(),
              books: 12,
            },
            {
              oddsEventId: 'odds-2',
              probabilities: { 'Los Angeles': 0.5, Denver: 0.5 },
              updatedMs: clock.now(),
              books: 12,
            },
          ],
        },
      };
    },
  });
  r.ex.events = listing();
  r.ex.setBook(C, [{ price: c(35), size: 1_000 }], [{ price: c(65), size: 1_000 }]);
  r.ex.setBook(D, [{ price: c(35), size: 1_000 }], [{ price: c(65), size: 1_000 }]);
  const quoter = r.ports.quoter;
  r.ports.quoter = Object.assign((ctx: Parameters<typeof quoter>[0]) => {
    seen.push(`requote ${ctx.game.eventTicker === EVENT2 ? 'g2' : 'g1'}`);
    return quoter(ctx);
  }, quoter);
  await started(r);
  return { ...r, seen, hooks };
}

const bidOf = (r: { ex: { orders: Map<string, { ticker: string; side: string }> } }, ticker: string) =>
  [...r.ex.orders].find(([, o]) => o.ticker === ticker && o.side === 'bid')![0];

/** Both games' bids hit in one socket read, once the opening's writes are answered and the budget refilled. */
async function hitBoth(r: Awaited<ReturnType<typeof twoGames>>): Promise<string[]> {
  await advance(r.clock, 5_000);
  await r.session.idle();
  r.seen.length = 0;
  r.ex.fill(bidOf(r, A), 300);
  r.ex.fill(bidOf(r, C), 300);
  await r.session.idle();
  await new Promise<void>((res) => setImmediate(res));
  return r.seen;
}

const game = (g: string) => [`requote ${g}`, `write ${g}`, `write ${g}`];
const ticks = (g: string) => [`tick after ${g}'s write`, `tick after ${g}'s write`];

describe('RequoteLoop: one game per turn after a write', () => {
  it('on the wall clock, puts the first game requoted on the wire before the second is requoted', async () => {
    const seen = await hitBoth(await twoGames(new WallTurnClock(T0)));
    // Each requote pulls the hit bid's size and moves the game's other quotes: two writes per game.
    expect(seen).toEqual([...game('g1'), ...ticks('g1'), ...game('g2'), ...ticks('g2')]);
  });

  it('on a driven clock (no turns), requotes the batch in one pass as before', async () => {
    const seen = await hitBoth(await twoGames(new ManualClock(T0)));
    expect(seen).toEqual([...game('g1'), ...game('g2'), ...ticks('g1'), ...ticks('g2')]);
  });

  it('a kill switch tripped between two games: the second is not requoted', async () => {
    const r = await twoGames(new WallTurnClock(T0));
    let tripped = false;
    r.hooks.onWrite = (g) => {
      if (g !== 'g1' || tripped || r.seen[0] !== 'requote g1') return;
      tripped = true;
      // An I/O callback between the two games' turns (the operator flag's answer, a drift check).
      setImmediate(() => void r.session.kill('operator', 'test'));
    };
    const seen = await hitBoth(r);
    expect(tripped).toBe(true);
    expect(r.session.snapshot().kill.source).toBe('operator');
    expect(seen.slice(0, 3)).toEqual(game('g1'));
    expect(seen).not.toContain('requote g2');
  });
});
