/**
 * Feed throughput (issue item 2): Kalshi orderbook_delta frames (text, as
 * they come off the socket) through the worker's path on one core — schema
 * parse (FrameHandler/parseWsFrame) + book update (BookSync/OrderBook) +
 * requote decision (gameQuoter over the books as KalshiFeedAdapter hands
 * them, then planOrders against our live orders) — every delta decided, no
 * batching; against the same frames through bare JSON.parse, same run.
 */
import { loadavg } from 'node:os';
import { DEFAULT_QUOTING_PARAMS } from '../shared/pricing/params.ts';
import type { PriceRange } from '../shared/pricing/tick-grid.ts';
import { BookSync } from '../worker/book/book-sync.ts';
import { gameQuoter } from '../worker/engine/adapters/quoter.ts';
import { applyPlan, planOrders } from '../worker/engine/order-plan.ts';
import type { Game, LiveOrder, MarketBook } from '../worker/engine/ports.ts';
import { FrameHandler } from '../worker/kalshi/frame-handler.ts';
import { type Figure, figure } from './figures.ts';
import { driverStep, games, SEED_ASKS, SEED_BIDS, SEED_SIZE } from './fixture.ts';
import { describeHotspots, profile } from './profile.ts';

const LINEAR_CENT: PriceRange[] = [{ start: 0, end: 1_000_000, step: 10_000 }];
const dollars = (m: number) => (m / 1e6).toFixed(4);
const count = (c: number) => (c / 100).toFixed(2);

function frames(gamesN: number, deltas: number) {
  const cat = games(gamesN);
  const tickers = cat.flatMap((g) => g.markets);
  let seq = 0;
  const snapshots = tickers.map((t) =>
    JSON.stringify({
      type: 'orderbook_snapshot',
      sid: 1,
      seq: ++seq,
      msg: {
        market_ticker: t,
        market_id: `id-${t}`,
        yes_dollars_fp: SEED_BIDS.map((p) => [dollars(p), count(SEED_SIZE)]),
        no_dollars_fp: SEED_ASKS.map((p) => [dollars(p), count(SEED_SIZE)]),
      },
    }),
  );
  const resting = new Set<string>();
  const out: string[] = [];
  for (let k = 0; k < deltas; k++) {
    const s = driverStep(k, tickers.length, 50);
    const ticker = tickers[s.market]!;
    const key = `${ticker}|${s.side}|${s.price}`;
    const add = !resting.has(key);
    if (add) resting.add(key);
    else resting.delete(key);
    out.push(
      JSON.stringify({
        type: 'orderbook_delta',
        sid: 1,
        seq: ++seq,
        msg: {
          market_ticker: ticker,
          market_id: `id-${ticker}`,
          price_dollars: dollars(s.price),
          delta_fp: add ? '5.00' : '-5.00',
          side: s.side === 'bid' ? 'yes' : 'no',
          ts_ms: 1_790_000_000_000 + k,
        },
      }),
    );
  }
  return { cat, tickers, snapshots, deltas: out };
}

/** Deltas/s of the full path; `knownGrid` false = books on the feed's fallback 0.0001 $ slots. */
function pipelineRate(f: ReturnType<typeof frames>, knownGrid: boolean, decide = true): number {
  const sync = new BookSync({ useYesPrice: true, ...(knownGrid ? { gridOf: () => LINEAR_CENT } : {}) });
  sync.assign(1, f.tickers);
  const handler = new FrameHandler(sync);
  for (const s of f.snapshots) handler.handleText(s);
  const quoter = gameQuoter({ params: DEFAULT_QUOTING_PARAMS });
  const gameOf = new Map<string, Game>();
  const now = 1_790_000_000_000;
  for (const g of f.cat) {
    const game: Game = {
      eventTicker: g.eventTicker,
      seriesTicker: 'KXNBAGAME',
      sport: 'nba',
      title: g.eventTicker,
      oddsEventId: g.eventTicker,
      markets: [
        { ticker: g.markets[0], outcome: g.home, priceRanges: LINEAR_CENT },
        { ticker: g.markets[1], outcome: g.away, priceRanges: LINEAR_CENT },
      ],
      kalshiStartMs: now + 6 * 3_600_000,
      oddsCommenceMs: now + 6 * 3_600_000,
    };
    for (const t of g.markets) gameOf.set(t, game);
  }
  const live = new Map<string, LiveOrder[]>();
  const empty = new Map<string, number>();
  const bookOf = (t: string): MarketBook => {
    const b = sync.book(t);
    return {
      ticker: t,
      bids: b.levels('bid', { depth: 10 }),
      asks: b.levels('ask', { depth: 10 }),
      valid: b.live,
      updatedMs: b.updatedAt ?? 0,
    };
  };
  let writes = 0;
  const t0 = performance.now();
  for (const text of f.deltas) {
    const h = handler.handleText(text);
    if (h.outcome !== 'accepted' || h.msg?.type !== 'orderbook_delta')
      throw new Error(`frame ${h.outcome}: ${h.detail}`);
    if (!decide) {
      writes++;
      continue;
    }
    const game = gameOf.get(h.msg.msg.market_ticker)!;
    const own = live.get(game.eventTicker) ?? [];
    const q = quoter({
      game,
      theo: {
        oddsEventId: game.oddsEventId,
        probabilities: { [game.markets[0]!.outcome]: 0.5, [game.markets[1]!.outcome]: 0.5 },
        updatedMs: now,
        books: 20,
      },
      books: new Map(game.markets.map((m) => [m.ticker, bookOf(m.ticker)])),
      positions: empty,
      entryPrices: empty,
      ownOrders: own,
      limit: 50_000,
      stopAtMs: now + 3 * 3_600_000,
      now,
    });
    const plan = planOrders(q.quotes, own, { amend: true });
    writes += plan.creates.length + plan.amends.length + plan.cancels.length + plan.decreases.length;
    // Our orders are acknowledged at once (resting): the next decision sees them.
    live.set(
      game.eventTicker,
      applyPlan(own, plan, now).map((o) => ({ ...o, state: 'resting', orderId: o.orderId ?? `o${writes}` })),
    );
  }
  const secs = (performance.now() - t0) / 1000;
  if (writes === 0) throw new Error('no decision ever changed a quote');
  return f.deltas.length / secs;
}

function jsonParseRate(f: ReturnType<typeof frames>): number {
  let sink = 0;
  const t0 = performance.now();
  for (const text of f.deltas) sink += (JSON.parse(text) as { seq: number }).seq;
  const secs = (performance.now() - t0) / 1000;
  if (sink === 0) throw new Error('nothing parsed');
  return f.deltas.length / secs;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchFeedThroughput(): Promise<Figure[]> {
  const f = frames(250, 20_000);
  // Warm-up, then alternate so both sides see the same machine load.
  pipelineRate(f, true);
  jsonParseRate(f);
  const full: number[] = [];
  const fallback: number[] = [];
  const bare: number[] = [];
  const bookOnly: number[] = [];
  for (let i = 0; i < 3; i++) {
    bare.push(jsonParseRate(f));
    bookOnly.push(pipelineRate(f, true, false));
    full.push(pipelineRate(f, true));
    fallback.push(pipelineRate(f, false));
  }
  const prof = await profile(() => pipelineRate(f, true));
  const note = `500 markets, ${f.deltas.length} delta frames, median of 3; load average ${loadavg()[0]!.toFixed(1)} on 2 cores`;
  return [
    figure(
      'feed_deltas_per_sec_parse_book_decide',
      median(full),
      'deltas/s',
      null,
      'higher',
      `${note}; books sized from the market grid`,
    ),
    figure(
      'feed_deltas_per_sec_parse_book_decide_fallback_grid',
      median(fallback),
      'deltas/s',
      null,
      'higher',
      'books on the feed fallback 0.0001 $ slots (no gridOf), as worker/main.ts wires the feed today',
    ),
    figure(
      'feed_deltas_per_sec_parse_book',
      median(bookOnly),
      'deltas/s',
      null,
      'higher',
      'schema parse + book update only, no requote decision',
    ),
    figure(
      'feed_deltas_per_sec_json_parse',
      median(bare),
      'deltas/s',
      null,
      'higher',
      'same frames, bare JSON.parse',
    ),
    figure(
      'feed_throughput_vs_json_parse',
      median(full) / median(bare),
      'ratio',
      0.5,
      'higher',
      `CPU profile of the full path, self time by area: ${describeHotspots(prof.byArea)}; hottest functions: ${describeHotspots(prof.byFunction)}`,
    ),
    figure(
      'feed_throughput_vs_json_parse_fallback_grid',
      median(fallback) / median(bare),
      'ratio',
      0.5,
      'higher',
    ),
  ];
}
