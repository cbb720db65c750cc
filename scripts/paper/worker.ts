/**
 * The worker, in-process, for paper mode and simulations: the engine's
 * TradingSession with the production adapters (signed REST gateway,
 * WebSocket feed and books, store theos / kill flags / audit / game mapping,
 * cancel-until-flat) — only the endpoints, key, clock and refresh delivery
 * differ from the deployed worker.
 *
 * Two clocks on purpose: the session runs on scenario time (`opts.clock`),
 * while the REST and WebSocket clients run on the wall clock, because request
 * signatures are checked against the exchange's wall clock and socket
 * liveness (pings, silence) is a wall-time matter even when scenario time
 * runs a hundred times faster.
 */
import { systemClock } from '../../shared/clock.ts';
import { KalshiRestClient } from '../../shared/kalshi/rest-client.ts';
import { createRsaSigner } from '../../shared/kalshi/signer.ts';
import { gatewayFlattener } from '../../worker/engine/adapters/flatten.ts';
import { KalshiFeedAdapter } from '../../worker/engine/adapters/kalshi-feed.ts';
import { KalshiGateway } from '../../worker/engine/adapters/kalshi-gateway.ts';
import { EmfMetrics, jsonLogger } from '../../worker/engine/adapters/observability.ts';
import { gameQuoter } from '../../worker/engine/adapters/quoter.ts';
import { functionRefresh } from '../../worker/engine/adapters/refresh.ts';
import {
  StoreGameMapper,
  storeAudit,
  storeKillFlags,
  storeTheoSource,
} from '../../worker/engine/adapters/store.ts';
import { TradingSession } from '../../worker/engine/session.ts';
import { KalshiWsFeed } from '../../worker/kalshi/ws-client.ts';
import type { PaperWorker, PaperWorkerOptions } from './worker-port.ts';

const SHARD = 'paper';

export async function startPaperWorker(opts: PaperWorkerOptions): Promise<PaperWorker> {
  const { clock, config, store } = opts;
  const signer = createRsaSigner({ keyId: opts.kalshi.keyId, privateKeyPem: opts.kalshi.privateKeyPem });
  const rest = new KalshiRestClient({ baseUrl: opts.kalshi.restBaseUrl, signer, clock: systemClock });
  const ws = new KalshiWsFeed({ url: opts.kalshi.wsUrl, signer, clock: systemClock, lifecycle: true });
  const feed = new KalshiFeedAdapter(ws, clock, config.depthLevels);
  const gateway = new KalshiGateway(rest, { now: () => clock.now() });

  // Engine logs: warnings and errors to the paper log sink (JSON objects), info dropped.
  const log = jsonLogger({
    clock,
    level: 'warn',
    write: (line) => {
      try {
        opts.log(JSON.parse(line) as Record<string, unknown>);
      } catch {
        opts.log({ level: 'warn', msg: line });
      }
    },
  });
  const metrics = new EmfMetrics({ clock, shardId: SHARD, write: () => {} });
  let session: TradingSession | null = null;
  const eventOf = (ticker: string) =>
    session?.snapshot().games.find((g) => g.markets.some((m) => m.ticker === ticker))?.eventTicker;

  session = new TradingSession(config, {
    clock,
    gateway,
    feed,
    books: feed,
    theos: storeTheoSource(store.theos),
    mapper: new StoreGameMapper(store.theos, () => clock.now()),
    quoter:
      opts.quoter ??
      gameQuoter({
        params: config.quoting,
        onBadGrid: (ticker, error) => opts.log({ level: 'warn', msg: 'bad tick grid', ticker, error }),
      }),
    flatten: gatewayFlattener(gateway, {
      clock,
      deadlineMs: config.kill.flattenTimeoutMs,
      pauseMs: config.kill.flattenIntervalMs,
    }),
    log,
    metrics,
    killFlag: storeKillFlags(store.kill),
    refresh: functionRefresh(async (req) => opts.publishRefresh(req)),
    audit: storeAudit({
      fills: store.fills,
      orders: store.orders,
      shardId: SHARD,
      fenceToken: () => 0,
      eventOf,
    }),
  });
  const s = session;

  ws.start();
  try {
    await s.start();
  } catch (err) {
    ws.stop();
    await rest.close();
    throw err;
  }

  let closed = false;
  return {
    session: s,
    books: feed,
    feedStats: () => ({
      reconnects: ws.stats.reconnects,
      bookResyncs: ws.stats.gaps + ws.stats.invalidBooks,
    }),
    idle: () => s.idle(),
    stop: (reason) => s.stop('sigterm', reason),
    async close() {
      if (closed) return;
      closed = true;
      ws.stop();
      await rest.close();
    },
  };
}
