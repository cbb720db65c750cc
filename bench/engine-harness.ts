/**
 * The production trading path, wired for measurement: KalshiWsFeed (real
 * socket) → BookSync → TradingSession (setImmediate batching, gameQuoter,
 * OrderManager, risk gate, write budget) → KalshiRestClient (signer, undici).
 *
 * The adapters below are the bench's own thin glue between the engine ports
 * and the Kalshi clients (worker/main.ts is not wired yet). Instrumentation is
 * only at the seams, never inside production code:
 * - frame receipt: `WebSocket.prototype.emit('message')` is timestamped;
 * - decision: the quoter port is wrapped to claim the earliest unclaimed
 *   frame of the game, and the Signer is wrapped: the first sign() of the
 *   frame's writes records decision = sign call − frame receipt (request
 *   ready to sign), once per frame;
 * - to the wire: undici's `undici:client:sendHeaders` diagnostics channel,
 *   published right before the request bytes are written to the socket,
 *   matched by the request's signature header.
 * A write carries its frame through AsyncLocalStorage, so concurrent writes
 * of different games never borrow each other's timestamps.
 *
 * Segments (`Probe.segments`, measured frames only): each measured frame also
 * carries the instants it crossed the other seams — the adapter's `book` event
 * (feed parsed, book updated), the quoter called and returned (session
 * scheduling before the decision, the decision), the gateway called (plan,
 * risk gate, order manager) — so the frame → sign() latency splits into
 * feed / wait for the requote / quoter / plan+order manager / gateway+REST,
 * and the wait for the requote itself into the deferral (→ the requote's
 * first read of the game's books) and the requote's prologue (→ the quoter).
 *
 * `startEchoHarness` is the floor: the same feed, REST client, signer and
 * probes, and a worker that decides nothing — every `echoEvery`-th book frame
 * is echoed at once as a signed REST request. Its decision latency is what
 * receiving a frame and starting a request costs on this machine, this run.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import WebSocket from 'ws';
import { systemClock } from '../shared/clock.ts';
import { type EngineConfig, parseEngineConfig } from '../shared/config/engine-config.ts';
import { KalshiRestClient, type RestTimeouts } from '../shared/kalshi/rest-client.ts';
import type { Signer } from '../shared/kalshi/signer.ts';
import { DEFAULT_QUOTING_PARAMS } from '../shared/pricing/params.ts';
import { KalshiFeedAdapter } from '../worker/engine/adapters/kalshi-feed.ts';
import { KalshiGateway } from '../worker/engine/adapters/kalshi-gateway.ts';
import { gameQuoter } from '../worker/engine/adapters/quoter.ts';
import type { EnginePorts, ExchangeGateway, GameQuotes, Quoter, SlotId } from '../worker/engine/ports.ts';
import { slotId } from '../worker/engine/ports.ts';
import { TradingSession } from '../worker/engine/session.ts';
import { undiciTransport } from '../worker/kalshi/undici-transport.ts';
import { KalshiWsFeed } from '../worker/kalshi/ws-client.ts';
import { Latency } from './figures.ts';
import { games, SERIES } from './fixture.ts';
import { waitForOpeningQuotes } from './settle.ts';

/** Frame → sign() split at the harness's seams (see the header). */
export const SEGMENTS = [
  'feed',
  'wait_requote',
  'wait_flush',
  'requote_prologue',
  'quoter',
  'plan_order_manager',
  'gateway_rest',
  // After sign() is called (the wire figure's samples): the signature computed and back on the loop,
  // then the request's bytes written.
  'sign',
  // `sign` split (issue #16, wire): sign() called → its signature started (waiting in the sign queue
  // behind the requote's other signatures), then started → back on the loop (in process, or a
  // pool thread plus the loop picking the callback up); the rest of `sign` is the await resuming.
  'sign_wait',
  'sign_compute',
  'send',
] as const;
export type Segment = (typeof SEGMENTS)[number];

export interface Probe {
  decision: Latency;
  wire: Latency;
  segments: Record<Segment, Latency>;
  /** Writes sent (batch items count once), requotes, naive cancel-replace writes, changed sides. */
  writes: number;
  requotes: number;
  naiveWrites: number;
  changedSides: number;
  framesStamped: number;
  /** Per measured frame: frames received after it and before its requote read the books (same socket read). */
  framesBehind: number[];
  /** Per measured frame: games the quoter was called for in the same turn before its own (the flush ahead of it). */
  requotesBefore: number[];
  /** Per turn that called the quoter: how many games it quoted (one flush, or one part of it between turns). */
  turnRequotes: number[];
  reset(): void;
}

export function newProbe(): Probe {
  const segments = () =>
    Object.fromEntries(SEGMENTS.map((k) => [k, new Latency()])) as Record<Segment, Latency>;
  const p: Probe = {
    decision: new Latency(),
    wire: new Latency(),
    segments: segments(),
    writes: 0,
    requotes: 0,
    naiveWrites: 0,
    changedSides: 0,
    framesStamped: 0,
    framesBehind: [],
    requotesBefore: [],
    turnRequotes: [],
    reset() {
      signedInline.count = 0;
      p.decision = new Latency();
      p.wire = new Latency();
      p.segments = segments();
      p.writes = 0;
      p.requotes = 0;
      p.naiveWrites = 0;
      p.changedSides = 0;
      p.framesStamped = 0;
      p.framesBehind = [];
      p.requotesBefore = [];
      p.turnRequotes = [];
    },
  };
  return p;
}

// ------------------------------------------------------------- frame receipt seam

let lastFrameNs = 0n;
/** Frames received so far (every 'message'): how many a trigger frame waited behind before its requote. */
let frameSeq = 0;
let patched = false;
function patchFrameReceipt(): void {
  if (patched) return;
  patched = true;
  const emit = WebSocket.prototype.emit;
  WebSocket.prototype.emit = function (this: WebSocket, event: string | symbol, ...args: unknown[]) {
    if (event === 'message') {
      lastFrameNs = process.hrtime.bigint();
      frameSeq++;
    }
    return emit.call(this, event, ...args);
  } as typeof emit;
}

/** The instants one frame crossed the seams; 0n = not crossed (echo floor, or no requote yet). */
export interface Trace {
  frameNs: bigint;
  bookNs: bigint;
  /** The requote's first read of one of the game's books (the deferred flush ran). */
  readNs: bigint;
  quoterNs: bigint;
  quotedNs: bigint;
  /** frameSeq at the book event and at the requote's first read (0 = not read yet). */
  seqAtBook: number;
  seqAtRead: number;
  /** Games quoted in the same turn before this frame's requote (see `Probe.requotesBefore`). */
  requotesBefore?: number;
  /** A write of this frame's requote has been signed: the frame is measured (once). */
  signed?: boolean;
}

export interface WriteContext {
  frameNs: bigint;
  signed: boolean;
  trace?: Trace;
  gatewayNs?: bigint;
}

function recordSegments(probe: Probe, ctx: WriteContext, signNs: bigint): void {
  const t = ctx.trace;
  if (!t || t.bookNs === 0n || t.quoterNs === 0n || t.quotedNs === 0n || ctx.gatewayNs === undefined) return;
  probe.segments.feed.recordNs(t.bookNs - t.frameNs);
  probe.segments.wait_requote.recordNs(t.quoterNs - t.bookNs);
  if (t.readNs !== 0n && t.readNs <= t.quoterNs) {
    probe.segments.wait_flush.recordNs(t.readNs - t.bookNs);
    probe.segments.requote_prologue.recordNs(t.quoterNs - t.readNs);
    probe.framesBehind.push(t.seqAtRead - t.seqAtBook);
  }
  if (t.requotesBefore !== undefined) probe.requotesBefore.push(t.requotesBefore);
  probe.segments.quoter.recordNs(t.quotedNs - t.quoterNs);
  probe.segments.plan_order_manager.recordNs(ctx.gatewayNs - t.quotedNs);
  probe.segments.gateway_rest.recordNs(signNs - ctx.gatewayNs);
}
export const writeContext = new AsyncLocalStorage<WriteContext>();

/** A measured write's first request, by its signature, until its bytes reach the wire. */
export type Signed = Map<string, { frameNs: bigint; signNs: bigint; signedNs: bigint }>;

/**
 * When each signature started and came back, by signature (filled by `stagedSigner`, which the
 * bench wraps around the signers beneath the sign queue; emptied as the requests reach the wire).
 */
export const signStages = new Map<string, { startNs: bigint; doneNs: bigint; inline: boolean }>();
/** Measured writes whose signature was computed in the caller's turn (the sign queue's `inline`). */
export const signedInline = { count: 0 };

/**
 * The bench worker's trading signer (`KMM_BENCH_SIGNING`): unset, `inline` — as worker/main.ts signs
 * (inline first, the rest on the pool behind the sign queue); `queue` or `pool` for before/after runs.
 */
export function benchSigningMode(env: string | undefined): 'inline' | 'queue' | 'pool' {
  const mode = env ?? 'inline';
  if (mode !== 'inline' && mode !== 'queue' && mode !== 'pool')
    throw new Error(`KMM_BENCH_SIGNING: unknown mode ${mode}`);
  return mode;
}

/** Records when `inner` was asked for a signature and when it answered (see `signStages`). */
export function stagedSigner<S extends Signer>(inner: S, inline = false): S {
  return {
    ...inner,
    keyId: inner.keyId,
    async sign(ts: number, method: string, path: string) {
      const startNs = process.hrtime.bigint();
      const sig = await inner.sign(ts, method, path);
      signStages.set(sig, { startNs, doneNs: process.hrtime.bigint(), inline });
      return sig;
    },
  };
}

export function instrumentedSigner(inner: Signer, probe: Probe, bySignature: Signed): Signer {
  return {
    keyId: inner.keyId,
    async sign(ts, method, path, priority) {
      const ctx = writeContext.getStore();
      // One sample per frame: its requote's first write. The later writes of the same requote (an amend
      // after a decrease) used to count too, each timed through the earlier writes' send paths.
      const first = ctx !== undefined && !ctx.signed && ctx.trace?.signed !== true;
      const signNs = process.hrtime.bigint();
      if (first) {
        ctx.signed = true;
        if (ctx.trace) ctx.trace.signed = true;
        probe.decision.recordNs(signNs - ctx.frameNs);
        recordSegments(probe, ctx, signNs);
      }
      const sig = await inner.sign(ts, method, path, priority);
      // Only the write's first request, as for the decision: a retry after a timeout or a 429
      // (seconds later, same frame) would otherwise count as that frame's time to the wire.
      if (first) bySignature.set(sig, { frameNs: ctx.frameNs, signNs, signedNs: process.hrtime.bigint() });
      return sig;
    },
  };
}

export function watchWire(probe: Probe, bySignature: Signed): () => void {
  const onHeaders = (m: unknown) => {
    const headers = (m as { headers?: unknown }).headers;
    if (typeof headers !== 'string') return;
    const at = process.hrtime.bigint();
    const match = /kalshi-access-signature: ([^\r\n]+)/i.exec(headers);
    if (!match) return;
    const stages = signStages.get(match[1]!);
    signStages.delete(match[1]!);
    const w = bySignature.get(match[1]!);
    if (w === undefined) return;
    bySignature.delete(match[1]!);
    probe.wire.recordNs(at - w.frameNs);
    probe.segments.sign.recordNs(w.signedNs - w.signNs);
    if (stages) {
      probe.segments.sign_wait.recordNs(stages.startNs - w.signNs);
      probe.segments.sign_compute.recordNs(stages.doneNs - stages.startNs);
      if (stages.inline) signedInline.count++;
    }
    probe.segments.send.recordNs(at - w.signedNs);
  };
  subscribe('undici:client:sendHeaders', onHeaders);
  return () => {};
}

/**
 * A measurement window counts only writes signed inside it: a write signed
 * before (opening quotes, the previous run) that reaches the wire during it
 * would otherwise count with its old frame (seconds of queueing read as
 * tick-to-quote).
 */
function forgetOnReset(probe: Probe, bySignature: Signed): void {
  const reset = probe.reset;
  probe.reset = () => {
    reset();
    bySignature.clear();
  };
}

// ------------------------------------------------------------- write seam

/** Runs every write of the production gateway with its triggering frame (if any) in scope for the signer seam. */
function tracedGateway(
  inner: ExchangeGateway,
  probe: Probe,
  traceOf: (ticker: string) => Trace | undefined,
): ExchangeGateway {
  const traced = <T>(ticker: string | undefined, items: number, fn: () => Promise<T>): Promise<T> => {
    const gatewayNs = process.hrtime.bigint();
    probe.writes += items;
    const trace = ticker === undefined ? undefined : traceOf(ticker);
    return trace === undefined
      ? fn()
      : writeContext.run({ frameNs: trace.frameNs, signed: false, trace, gatewayNs }, fn);
  };
  return {
    listEvents: (s) => inner.listEvents(s),
    createOrders: (o) => traced(o[0]?.ticker, o.length, () => inner.createOrders(o)),
    amendOrder: (r) => traced(r.ticker, 1, () => inner.amendOrder(r)),
    decreaseOrder: (r) => traced(r.ticker, 1, () => inner.decreaseOrder(r)),
    cancelOrders: (r) => traced(r[0]?.ticker, r.length, () => inner.cancelOrders(r)),
    listRestingOrders: () => inner.listRestingOrders(),
    listPositions: () => inner.listPositions(),
    createOrderGroup: (l, shard) => inner.createOrderGroup(l, shard),
    ...(inner.cancelAll ? { cancelAll: () => inner.cancelAll!() } : {}),
  };
}

/**
 * Counts what a naive cancel-and-replace of every changed side would write. The count runs on a
 * microtask, after the requote's synchronous path (quoter → plan → gateway → sign()): before, its maps
 * and strings were timed as part of the `quoter` segment. `quoted` runs as soon as the quoter returns.
 */
export function countingQuoter(
  inner: Quoter,
  probe: Pick<Probe, 'requotes' | 'naiveWrites' | 'changedSides'>,
  claim: (eventTicker: string) => void = () => {},
  quoted: (eventTicker: string) => void = () => {},
): Quoter {
  const last = new Map<string, Map<SlotId, string>>();
  const count = (eventTicker: string, quotes: GameQuotes['quotes']) => {
    const prev = last.get(eventTicker) ?? new Map<SlotId, string>();
    const next = new Map<SlotId, string>();
    for (const q of quotes) next.set(slotId(q.ticker, q.side), `${q.price}/${q.size}`);
    for (const [slot, v] of next) {
      const before = prev.get(slot);
      if (before === undefined) {
        probe.naiveWrites += 1; // create
        probe.changedSides++;
      } else if (before !== v) {
        probe.naiveWrites += 2; // cancel + create
        probe.changedSides++;
      }
    }
    for (const slot of prev.keys())
      if (!next.has(slot)) {
        probe.naiveWrites += 1; // cancel
        probe.changedSides++;
      }
    last.set(eventTicker, next);
  };
  return (ctx) => {
    claim(ctx.game.eventTicker);
    probe.requotes++;
    const out: GameQuotes = inner(ctx);
    quoted(ctx.game.eventTicker);
    const eventTicker = ctx.game.eventTicker;
    queueMicrotask(() => count(eventTicker, out.quotes));
    return out;
  };
}

export interface Harness {
  /** null for the echo floor (no engine). */
  session: TradingSession | null;
  ws: KalshiWsFeed;
  rest: KalshiRestClient;
  probe: Probe;
  tickers: string[];
  /** Resolves once every book is live and no requote or write is in flight. */
  /** `liveAtMs`: epoch ms when every book was first seen live (null if never). */
  settle(timeoutMs: number): Promise<{ live: number; liveAtMs: number | null }>;
  /**
   * Engine only: every game's theo moves at once (the odds poll answers with a shift, then back): one
   * flush with every game dirty. Per move, from the poll's answer: the first and the last request's
   * bytes on the wire (ms) and the requests written.
   */
  moveTheos?(moves: number): Promise<{ firstMs: number[]; lastMs: number[]; writes: number[] }>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  restBaseUrl: string;
  wsUrl: string;
  signer: Signer;
  games: number;
  /** Engine write budget (tokens/s, capacity) matching the simulator's tier. */
  writeBudget: { tokensPerSec: number; capacity: number };
  /**
   * Default (false): the feed is wired as worker/main.ts wires it, each book
   * sized from its market's grid (`gridOf` from the session's discovery).
   * true: the feed gets no grid and every book uses the fallback 0.0001 $
   * slots (10,001 per side), for comparison.
   */
  fallbackGrid?: boolean;
  /** Echo floor: no engine; every echoEvery-th book frame is answered at once by one signed REST request. */
  echoEvery?: number;
  /**
   * REST headers/body/request timeouts (ms), default the client's (5/5/8 s). The 10,000-market run
   * raises them: the simulator is one process on the same loaded cores, and a 200-event discovery page
   * outlasted the 5 s headers timeout at load 30 (`discovery kept failing`, no figure at all).
   */
  restTimeoutMs?: number;
}

const restTimeouts = (opts: HarnessOptions): { timeouts?: Partial<RestTimeouts> } => {
  const ms = opts.restTimeoutMs;
  return ms === undefined ? {} : { timeouts: { headersMs: ms, bodyMs: ms, requestMs: ms } };
};

export async function startHarness(opts: HarnessOptions): Promise<Harness> {
  if (opts.echoEvery !== undefined) return startEchoHarness(opts, opts.echoEvery);
  patchFrameReceipt();
  const probe = newProbe();
  const bySignature: Signed = new Map();
  watchWire(probe, bySignature);
  forgetOnReset(probe, bySignature);
  const signer = instrumentedSigner(opts.signer, probe, bySignature);
  const catalogue = games(opts.games);
  const gameOfTicker = new Map<string, string>();
  for (const g of catalogue) for (const t of g.markets) gameOfTicker.set(t, g.eventTicker);
  const byEvent = new Map(catalogue.map((g) => [g.eventTicker, g]));
  const startMs = Date.now() + 6 * 3_600_000;
  // Theo moves (`moveTheos`): the home side's shift, and when the poll answered with it.
  let theoShift = 0;
  let theoAnsweredNs = 0n;

  // Earliest frame not yet seen by a requote, per game; claimed by the quoter, read by the writes.
  const unclaimed = new Map<string, Trace>();
  const claimed = new Map<string, Trace>();
  // Games quoted in the current synchronous run (a flush, or its part between two turns): closed by a
  // microtask, which runs only once the run has returned.
  let inTurn = 0;
  const claim = (g: string) => {
    if (inTurn === 0)
      queueMicrotask(() => {
        probe.turnRequotes.push(inTurn);
        inTurn = 0;
      });
    const before = inTurn++;
    const f = unclaimed.get(g);
    unclaimed.delete(g);
    if (f === undefined) claimed.delete(g);
    else {
      f.quoterNs = process.hrtime.bigint();
      f.requotesBefore = before;
      claimed.set(g, f);
    }
  };

  // Wired as worker/main.ts wires it: client buckets sized from the exchange, production adapters.
  const rest = new KalshiRestClient({
    baseUrl: opts.restBaseUrl,
    signer,
    transport: undiciTransport(opts.restBaseUrl, restTimeouts(opts).timeouts),
    ...restTimeouts(opts),
  });
  await rest.configureLimiter();
  const config: EngineConfig = parseEngineConfig({
    sports: { nba: { series: [SERIES], oddsSportKey: 'basketball_nba' } },
    // Reconciliation and discovery are not what this bench measures: keep them out of the window.
    reconcileMs: 3_600_000,
    discoveryMs: 3_600_000,
    theoPollMs: 60_000,
    heartbeatMs: 3_600_000,
    writeBudget: { ...opts.writeBudget, writeCost: 10, cancelCost: 2 },
    // At 10,000 markets discovery + 10,000 snapshots outlast the default 30 s ws-down bound and trip the
    // kill switch during start-up (see docs/BENCHMARKS.md); the bench measures steady state.
    kill: { maxDrift: 2_000, wsDownMs: 600_000, flattenTimeoutMs: 60_000, flattenIntervalMs: 1_000 },
  });
  // As worker/main.ts: books take each market's tick grid from discovery, the adapter hands the
  // engine config.depthLevels levels per side.
  let session: TradingSession | null = null;
  const ws = new KalshiWsFeed({
    url: opts.wsUrl,
    signer: opts.signer,
    lifecycle: true,
    ...(opts.fallbackGrid ? {} : { gridOf: (t: string) => session?.priceRangesOf(t) }),
  });
  const feed = new KalshiFeedAdapter(ws, systemClock, config.depthLevels);
  // Stamps the game when the adapter raises `book` (what marks it dirty in the session; deltas that
  // cannot change the engine's view raise nothing, so they never count as the trigger of a write).
  feed.onEvent((e) => {
    if (e.type !== 'book') return;
    const g = gameOfTicker.get(e.ticker);
    if (g !== undefined && !unclaimed.has(g)) {
      unclaimed.set(g, {
        frameNs: lastFrameNs,
        bookNs: process.hrtime.bigint(),
        readNs: 0n,
        quoterNs: 0n,
        quotedNs: 0n,
        seqAtBook: frameSeq,
        seqAtRead: 0,
      });
      probe.framesStamped++;
    }
  });

  const outcomes = new Map<string, string>();
  for (const g of catalogue) {
    outcomes.set(g.markets[0], g.home);
    outcomes.set(g.markets[1], g.away);
  }
  const quoter = countingQuoter(gameQuoter({ params: DEFAULT_QUOTING_PARAMS }), probe, claim, (g) => {
    const t = claimed.get(g);
    if (t) t.quotedNs = process.hrtime.bigint();
  });
  const ports: EnginePorts = {
    clock: systemClock,
    gateway: tracedGateway(new KalshiGateway(rest), probe, (t) => {
      const g = gameOfTicker.get(t);
      return g === undefined ? undefined : claimed.get(g);
    }),
    feed,
    // The requote's first book read after the frame: splits wait_requote into the deferral and the prologue.
    books: {
      book(t) {
        const g = gameOfTicker.get(t);
        const u = g === undefined ? undefined : unclaimed.get(g);
        if (u !== undefined && u.readNs === 0n) {
          u.readNs = process.hrtime.bigint();
          u.seqAtRead = frameSeq;
        }
        return feed.book(t);
      },
    },
    theos: {
      async read(ids) {
        const now = Date.now();
        const out = ids.map((id) => {
          const g = byEvent.get(id);
          return {
            oddsEventId: id,
            probabilities: g ? { [g.home]: 0.5 + theoShift, [g.away]: 0.5 - theoShift } : {},
            updatedMs: now,
            books: 20,
          };
        });
        theoAnsweredNs = process.hrtime.bigint();
        return out;
      },
    },
    mapper: {
      match(_sport, ev) {
        const byTicker: Record<string, string> = {};
        for (const m of ev.markets) byTicker[m.ticker] = outcomes.get(m.ticker) ?? m.yesSubTitle;
        const g = byEvent.get(ev.eventTicker);
        return {
          ok: true,
          oddsEventId: ev.eventTicker,
          commenceMs: startMs,
          outcomeByTicker: byTicker,
          ...(g ? { homeTeam: g.home, awayTeam: g.away } : {}),
        };
      },
    },
    quoter,
    flatten: async () => {
      await rest.cancelAll();
      return { flat: true, attempts: 1, elapsedMs: 0, remaining: 0 };
    },
    log: {
      info() {},
      warn(event, fields) {
        if (event === 'discovery_failed') discoveryFailed = true;
        if (process.env['BENCH_DEBUG']) console.error('warn', event, JSON.stringify(fields));
      },
      error(event, fields) {
        if (process.env['BENCH_DEBUG']) console.error('error', event, JSON.stringify(fields));
      },
    },
    metrics: { count() {}, gauge() {}, timing() {} },
  };
  session = new TradingSession(config, ports);
  let discoveryFailed = false;
  ws.start();
  await session.start();
  // A loaded machine can time out a discovery page; production retries every discoveryMs, the bench at once.
  for (let i = 0; i < 5 && discoveryFailed; i++) {
    discoveryFailed = false;
    await session.discover();
  }
  if (discoveryFailed) throw new Error('discovery kept failing');
  const tickers = catalogue.flatMap((g) => g.markets);

  return {
    session,
    ws,
    rest,
    probe,
    tickers,
    async settle(timeoutMs) {
      const until = Date.now() + timeoutMs;
      let live = 0;
      for (;;) {
        live = tickers.filter((t) => ws.book(t).live).length;
        if (live === tickers.length) {
          const liveAtMs = Date.now();
          // The opening quotes go out at the write budget's pace: wait for them to start, then to stop.
          await waitForOpeningQuotes(
            {
              writes: () => probe.writes,
              inFlight: () => session?.writesInFlight() ?? 0,
              now: () => Date.now(),
              sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
            },
            until,
          );
          return { live, liveAtMs };
        }
        if (process.env['BENCH_DEBUG'])
          console.error('live', live, JSON.stringify(ws.stats), ws.connectionState);
        if (Date.now() > until) return { live, liveAtMs: null };
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async moveTheos(moves) {
      const firstMs: number[] = [];
      const lastMs: number[] = [];
      const writes: number[] = [];
      let sent: bigint[] = [];
      const onHeaders = () => sent.push(process.hrtime.bigint());
      subscribe('undici:client:sendHeaders', onHeaders);
      try {
        for (let i = 0; i < moves; i++) {
          theoShift = i % 2 === 0 ? 0.03 : 0;
          sent = [];
          await session!.pollTheos();
          const from = theoAnsweredNs;
          // Every game's requote and its writes answered (the write budget may defer some: bounded).
          for (const until = Date.now() + 10_000; Date.now() < until; ) {
            await session!.idle();
            if (session!.writesInFlight() === 0) break;
            await new Promise((r) => setTimeout(r, 20));
          }
          await new Promise((r) => setTimeout(r, 300));
          const after = sent.filter((t) => t >= from);
          if (after.length === 0) continue;
          firstMs.push(Number(after[0]! - from) / 1e6);
          lastMs.push(Number(after.at(-1)! - from) / 1e6);
          writes.push(after.length);
        }
      } finally {
        unsubscribe('undici:client:sendHeaders', onHeaders);
      }
      return { firstMs, lastMs, writes };
    },
    async stop() {
      await session?.stop('sigterm', 'bench done').catch(() => undefined);
      ws.stop();
      await rest.close();
    },
  };
}

/**
 * The echo floor: the worker's feed (KalshiWsFeed over the same socket, books
 * sized from discovery's grids, the adapter), the same REST client, signer and
 * probes, and no engine. Every `every`-th book frame is echoed at once — a
 * signed `GET /portfolio/balance` started in the frame's own turn — so
 * decision = frame at the socket → sign() of the echo, wire = → its bytes
 * written. The driver's deltas are the same; the worker decides nothing.
 */
async function startEchoHarness(opts: HarnessOptions, every: number): Promise<Harness> {
  patchFrameReceipt();
  const probe = newProbe();
  const bySignature: Signed = new Map();
  watchWire(probe, bySignature);
  forgetOnReset(probe, bySignature);
  const signer = instrumentedSigner(opts.signer, probe, bySignature);
  const rest = new KalshiRestClient({
    baseUrl: opts.restBaseUrl,
    signer,
    transport: undiciTransport(opts.restBaseUrl),
  });
  await rest.configureLimiter();
  const gateway = new KalshiGateway(rest);
  const listed = await gateway.listEvents(SERIES);
  const grids = new Map(listed.flatMap((e) => e.markets.map((m) => [m.ticker, m.priceRanges] as const)));
  const ws = new KalshiWsFeed({
    url: opts.wsUrl,
    signer: opts.signer,
    lifecycle: true,
    ...(opts.fallbackGrid ? {} : { gridOf: (t: string) => grids.get(t) }),
  });
  // Built as the worker builds it, so the floor pays the adapter's per-delta visibility check too.
  new KalshiFeedAdapter(ws, systemClock, 3);
  let n = 0;
  ws.on((e) => {
    if (e.type !== 'book' || e.delta === undefined || ++n % every !== 0) return;
    probe.framesStamped++;
    probe.requotes++;
    probe.writes++;
    void writeContext
      .run({ frameNs: lastFrameNs, signed: false }, () => rest.getBalance())
      .catch(() => undefined);
  });
  const tickers = games(opts.games).flatMap((g) => g.markets);
  ws.start();
  ws.setMarkets(tickers);
  return {
    session: null,
    ws,
    rest,
    probe,
    tickers,
    async settle(timeoutMs) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const live = tickers.filter((t) => ws.book(t).live).length;
        if (live === tickers.length) return { live, liveAtMs: Date.now() };
        if (Date.now() > until) return { live, liveAtMs: null };
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      ws.stop();
      await rest.close();
    },
  };
}
