/**
 * The requote loop: a game marked dirty (book change, fill, theo, flag,
 * lifecycle, stop time, settled write) is requoted once, deferred on the
 * injected clock (`clock.defer`: a burst of 200 deltas costs one requote);
 * a requote judges the game's status from its inputs, asks the quoter, and
 * hands the quotes to the order manager, which gates and sends them.
 */
import { WorkerMetric } from '../../shared/metrics/names.ts';
import { marketAverageEntry } from '../../shared/risk/inventory.ts';
import { gameLimit } from '../../shared/risk/limits.ts';
import type { Centis, Micros } from '../../shared/units.ts';
import { errText, type GameState, type GameStatus, gameExhaustive, worstExposure } from './game-state.ts';
import {
  FIXED_STRIKE_HALF_SPREAD,
  gameContracts,
  modelStrikeQuotes,
  payoffLimitOf,
  quotedStrikes,
  strikeInputsOf,
  strikeQuotes,
} from './ladder-quotes.ts';
import { quoteStrikesBySize } from './ladder-size.ts';
import type { IdleStrike } from './ladder-theos.ts';
import { groupLimitCentis } from './order-groups.ts';
import type { GameBinding, SyncReport } from './order-manager.ts';
import type { BookSide, DesiredQuote, GameQuotes, LiveOrder, MarketBook } from './ports.ts';
import { afterQuoting, quotingReason } from './quoting-state.ts';
import type { SessionCore } from './session-core.ts';
import { UncertainWatch } from './uncertain-watch.ts';

export class RequoteLoop {
  private readonly dirty = new Set<string>();
  private readonly dirtySince = new Map<string, number>();
  private flushScheduled = false;
  private flushing: Promise<void> = Promise.resolve();
  private readonly requotes = new Set<Promise<unknown>>();
  /** Flushes whose remaining games wait for the clock's next turn (see `requoteFrom`). */
  private readonly batches = new Set<Promise<void>>();
  /** Markets that have shown a valid book once: until every market of a game has, nothing of it is touched. */
  private readonly seenBook = new Set<string>();
  /** Asks for a prompt listing while a write's outcome is unknown (uncertain-watch.ts). */
  private readonly uncertainWatch = new UncertainWatch();

  constructor(
    private readonly core: SessionCore,
    /** A market whose trusted position correction is still owed (the reconciler): its game holds. */
    private readonly owesTrust: (ticker: string) => boolean,
  ) {}

  markDirty(eventTicker: string): void {
    if (!this.core.games.has(eventTicker) || this.core.stopped) return;
    if (!this.dirty.has(eventTicker)) this.dirtySince.set(eventTicker, this.core.ports.clock.now());
    this.dirty.add(eventTicker);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // Deferred on the clock: every message of the socket read that marked it is applied first, so a burst
    // of deltas costs one requote; on the wall clock in the same turn (a microtask, not the check phase), on
    // a driven clock when its driver drains or advances it.
    this.core.ports.clock.defer(() => {
      this.flushScheduled = false;
      this.flushing = this.flush();
    });
  }

  private async flush(): Promise<void> {
    const games = [...this.dirty];
    this.dirty.clear();
    const rest = this.requoteFrom(games, 0);
    if (rest === undefined) return;
    this.batches.add(rest);
    try {
      await rest;
    } finally {
      this.batches.delete(rest);
    }
  }

  /**
   * Requotes `games` from `i` on, in the order they were marked, each in one synchronous pass (quoter, plan,
   * per-order lock, write budget, risk gate). After a game whose writes are in flight, when the clock has
   * turns (`yieldTurn`: the wall clock), the rest wait for the next one: that game's writes are signed and
   * on the socket before the next game is requoted, where before they left only once every dirty game of
   * the socket read had been requoted (issue #16). A game with nothing to send never yields, and a driven
   * clock has no turns: a backtest requotes the whole batch in one pass, as before. Returns the rest of
   * the batch when it yielded.
   */
  private requoteFrom(games: readonly string[], from: number): Promise<void> | undefined {
    const clock = this.core.ports.clock;
    for (let i = from; i < games.length; i++) {
      const g = games[i]!;
      const failed = (err: unknown) => {
        this.core.ports.metrics.count('RequoteErrors');
        this.core.ports.log.error('requote_failed', { eventTicker: g, error: errText(err) });
      };
      // A requote that sends nothing (most of them) ends here, with no promise; one whose writes are in
      // flight (or wait for the game's order group) is tracked until they settle.
      let waiting: Promise<void> | undefined;
      try {
        waiting = this.requote(g);
      } catch (err) {
        failed(err);
      }
      if (waiting === undefined) continue;
      const p = waiting.catch(failed);
      this.requotes.add(p);
      void p.finally(() => this.requotes.delete(p));
      if (clock.yieldTurn === undefined || i + 1 === games.length) continue;
      const next = i + 1;
      return new Promise<void>((done) => {
        clock.yieldTurn!(() => {
          // A session stopped meanwhile starts nothing new; a tripped kill switch is the requote's own check.
          if (this.core.stopped) return done();
          const rest = this.requoteFrom(games, next);
          if (rest === undefined) done();
          else void rest.then(done);
        });
      });
    }
    return undefined;
  }

  /**
   * Recomputes a game's four (or six) sides and hands the result to the order manager. Synchronous up to
   * the sync's report: only the report's wait (and what `afterSync` needs) outlives this call, so a
   * requote whose creates wait for the order group or the wire no longer holds its books, quotes and
   * frame (10,000 markets: 5,000 of them at once during the opening, 13 % of the start-up heap peak).
   */
  private requote(eventTicker: string): Promise<void> | undefined {
    const g = this.core.games.get(eventTicker);
    if (!g || this.core.killSwitch.tripped) return;
    const now = this.core.ports.clock.now();
    const since = this.dirtySince.get(eventTicker) ?? now;
    this.dirtySince.delete(eventTicker);
    this.core.counters['requotes']!++;
    const books = new Map<string, MarketBook | undefined>(
      g.tickers.map((t) => [t, this.core.ports.books.book(t)]),
    );
    for (const [t, b] of books) if (b?.valid) this.seenBook.add(t);
    // A game's strike markets (ladders, only with the strikeTheos port) rest, sync and are gated with it.
    const strikes = this.core.ports.strikeTheos ? quotedStrikes(g) : [];
    const tickers = strikes.length > 0 ? [...g.tickers, ...strikes] : g.tickers;
    // A market whose trusted correction is still owed has a position we cannot vouch for yet (a strike's too:
    // the game's payoff gate reads it): hold, do not quote.
    const judgeable =
      this.core.everUp &&
      g.tickers.every((t) => this.seenBook.has(t)) &&
      !tickers.some((t) => this.owesTrust(t));
    if (!judgeable && !g.closed && g.stopAtMs !== null && now < g.stopAtMs && !g.halted) {
      // Not yet able to judge the market: hold whatever rests (adopted after a restart) rather than pull it.
      g.status = 'warming';
      g.inputStatus = undefined;
      // Its sides cannot be quoted: they wait (CreatesStarved, create order) from when they can (create-queue.ts).
      this.core.manager.createQueue.cannotQuote(eventTicker);
      return;
    }
    g.limit = this.limitFor(g, books);
    g.maxLimit = Math.max(g.maxLimit, g.limit);
    g.status = this.statusOf(g, allValid(books.values()), now);
    g.inputStatus = g.status;
    let quotes: GameQuotes = { quotes: [], modes: {}, reasons: [g.status] };
    // An amended order the book now shows at its new price: its old level is others' again (own-book.ts).
    this.core.manager.bookShown(tickers, this.core.ports.books);
    // Read once: nothing runs between the quoter and the sync below (both synchronous).
    const own = this.core.manager.ordersOf(tickers);
    if (g.status === 'quoting') {
      quotes = this.core.ports.quoter({
        game: g.game,
        theo: g.theo!,
        books,
        positions: this.core.inventory.positions(g.tickers),
        entryPrices: this.entryPrices(g),
        ownOrders: strikes.length > 0 ? own.filter((o) => g.tickers.includes(o.ticker)) : own,
        limit: g.limit,
        stopAtMs: g.stopAtMs,
        now,
      });
      const refusal = this.core.manager.refusalOf(g.game.eventTicker);
      g.status = afterQuoting(
        g.status,
        quotes.quotes.length,
        worstExposure(this.core.inventory, g),
        g.limit,
        refusal,
      );
      if (g.status !== 'quoting') quotes = { ...quotes, reasons: [g.status, ...quotes.reasons] };
      else if (strikes.length > 0) {
        const ladder = this.strikeQuotesOf(g, now, tickers, own);
        // An idle strike says why on the game (dashboard, decision log), as an idle game does.
        quotes = {
          ...quotes,
          quotes: [...quotes.quotes, ...ladder.quotes],
          reasons: [...quotes.reasons, ...ladder.idle.map((i) => `${i.ticker}: ${i.reason}`)],
        };
      }
    }
    g.lastQuotes = quotes;
    // Only a finished game (past its window, or a market closed by the listing or lifecycle) lets its
    // group go; a create refused "market closed" names the state but is no proof: deleting the group
    // then made the next requote create it again (two writes per book change while refused).
    const finished = g.closed || g.stopAtMs === null || now >= g.stopAtMs;
    if (finished && own.length === 0) this.core.manager.releaseGroup(eventTicker);
    // No promise unless a write is in flight: a requote that changes nothing ends in this turn.
    const report = this.core.manager.syncNow(this.binding(g, tickers), quotes.quotes, own);
    if (!(report instanceof Promise)) {
      this.afterSync(g, report, since);
      return undefined;
    }
    // The callback closes over the game and `since` only (no closure here reads the books or quotes).
    return report.then((r) => this.afterSync(g, r, since));
  }

  private afterSync(g: GameState, report: SyncReport, since: number): void {
    g.denied = new Set(report.denials.map((d) => `${d.ticker}|${d.side}`));
    this.core.counters['writes']! += report.writes;
    this.core.counters['riskDenied']! += report.denials.length;
    if (report.writes > 0) {
      this.core.ports.metrics.timing(WorkerMetric.QuoteLatencyMs, this.core.ports.clock.now() - since);
      this.core.ports.metrics.count('OrderWritesPlanned', report.writes);
    }
    if (report.deferred > 0 && !g.retryTimer) {
      g.retryTimer = this.core.ports.clock.setTimeout(() => {
        g.retryTimer = null;
        this.core.markDirty(g.game.eventTicker);
      }, report.retryAfterMs);
    }
    this.core.emit({ type: 'quote', eventTicker: g.game.eventTicker });
  }

  /** The strikes' quotes (each priced strike with a valid book) and the strikes left idle, with their reason. */
  private strikeQuotesOf(
    g: GameState,
    now: number,
    tickers: string[],
    own: LiveOrder[],
  ): { quotes: DesiredQuote[]; idle: IdleStrike[] } {
    const markets = g.ladder?.mapped ?? [];
    const { priced, idle } = strikeInputsOf(
      g.strikeTheo ?? null,
      markets,
      now,
      this.core.config.theoMaxAgeMs,
    );
    const books = new Map(priced.map((p) => [p.ticker, this.core.ports.books.book(p.ticker)]));
    const q = this.core.config.quoting;
    // The game's limit shared over its quoted markets by weight, a wide strike less (ladder-size.ts).
    const share = {
      limit: g.limit,
      winners: g.tickers.length,
      minEdge: q.minEdge,
      baseSize: q.baseSize,
      lot: q.sizeStep,
    };
    const params = this.core.ports.quoter.strikeParams;
    const contracts = gameContracts(g);
    if (!params || !contracts) {
      const fixed = quoteStrikesBySize(priced, share, (group, size) =>
        strikeQuotes(group, books, { minEdge: FIXED_STRIKE_HALF_SPREAD, size }),
      );
      return { quotes: fixed, idle };
    }
    const payoff = payoffLimitOf(g, contracts, this.core.inventory.entries(tickers), g.limit);
    const positions = this.core.inventory.positions(tickers);
    const strikeMarkets = new Map(
      markets.map((m) => [m.ticker, { ...m, contract: contracts.get(m.ticker)! }]),
    );
    const quotes = quoteStrikesBySize(priced, share, (group, size) =>
      modelStrikeQuotes({
        priced: group,
        markets: strikeMarkets,
        books,
        own,
        payoff,
        positions,
        params,
        size,
      }),
    );
    return { quotes, idle };
  }

  private entryPrices(g: GameState): Map<string, Micros> {
    const out = new Map<string, Micros>();
    for (const t of g.tickers) {
      const e = marketAverageEntry(g.entries, t);
      if (e !== null && Number.isFinite(e)) out.set(t, e);
    }
    return out;
  }

  /**
   * Requotes a game whose reason changed with no event to say so: a lease renewed after a DynamoDB
   * blip, a theo gone stale, a stop time passed. Without it the game kept the old reason (and no
   * quotes) until a book, theo or fill happened to requote it.
   */
  recheckStatus(): void {
    const now = this.core.ports.clock.now();
    const uncertain = this.core.manager.hasUncertain();
    if (this.uncertainWatch.due(uncertain, now)) void this.core.reconcile(); // settle it now, not at the next pass
    // Every second: no copy of every order, no map of books per game (issue #20).
    const books = this.core.ports.books;
    for (const g of this.core.games.values()) {
      if (g.inputStatus === undefined) continue;
      let live = true;
      for (const t of g.tickers) if (books.book(t)?.valid !== true) live = false;
      if (this.statusOf(g, live, now) !== g.inputStatus) this.core.markDirty(g.game.eventTicker);
    }
  }

  /** `booksLive`: every market's book is valid (the recheck reads them without building the requote's map). */
  private statusOf(g: GameState, booksLive: boolean, now: number): GameStatus {
    const marketBlocked = g.tickers.every((t) => this.core.paused.has(t))
      ? this.core.marketStatus.reasonFor(g.tickers)
      : null;
    return quotingReason({
      now,
      killed: this.core.killSwitch.tripped,
      // A market the exchange does not trade only blocks its own writes (the gate); the game as a whole
      // is paused or inactive when none of its markets trade.
      closed: g.closed || marketBlocked === 'market-inactive',
      // A start announced moved but not yet listed may already be past: stop as if it were.
      stopAtMs: this.core.startWatch.uncertain(g.game.eventTicker) ? now : g.stopAtMs,
      operatorFlag: g.haltKind,
      marketPaused: marketBlocked === 'market-paused',
      leaseValid: !this.core.ports.lease || this.core.ports.lease.valid(now),
      feedUp: this.core.connection.state === 'up' && !this.core.outage.paused,
      warming: false,
      theoUpdatedMs: g.theo?.updatedMs ?? null,
      theoMaxAgeMs: this.core.config.theoMaxAgeMs,
      booksLive,
    });
  }

  private limitFor(g: GameState, books: ReadonlyMap<string, MarketBook | undefined>): Centis {
    // Visible depth without our own orders: what we could get out of.
    let depth = 0;
    for (const [ticker, b] of books) {
      if (!b) continue;
      depth += this.depthWithoutOwn(ticker, 'bid', b.bids) + this.depthWithoutOwn(ticker, 'ask', b.asks);
    }
    return gameLimit(this.core.config.limits, g.sport, depth);
  }

  /** Size of the first `depthLevels` levels of one side, less our own resting size at each. */
  private depthWithoutOwn(
    ticker: string,
    side: BookSide,
    levels: readonly MarketBook['bids'][number][],
  ): Centis {
    const n = Math.min(levels.length, this.core.config.depthLevels);
    let depth = 0;
    for (let i = 0; i < n; i++) {
      const lvl = levels[i]!;
      depth += Math.max(0, lvl.size - this.core.manager.restingAt(ticker, side, lvl.price));
    }
    return depth;
  }

  private binding(g: GameState, tickers: string[]): GameBinding {
    const contracts = tickers === g.tickers ? null : gameContracts(g);
    return {
      eventTicker: g.game.eventTicker,
      tickers,
      exchangeIndex: (t) =>
        (g.game.markets.find((m) => m.ticker === t) ?? g.ladder?.mapped.find((m) => m.ticker === t))
          ?.exchangeIndex,
      orderGroupLimit: groupLimitCentis(g.limit, this.core.config.orderGroupLimitFactor),
      // Read when a create is sent, not when the binding was made: a start that moved earlier while a create
      // waited (rate budget, order group) must not leave it with the old, later expiration.
      get expiresAtMs() {
        return g.hardStopMs ?? undefined;
      },
      risk: () => {
        const now = this.core.ports.clock.now();
        const lease = this.core.ports.lease;
        return {
          now,
          killed: this.core.killSwitch.tripped || g.halted !== null || g.closed,
          lease: lease ? { valid: lease.valid(now), token: lease.token() } : null,
          stopAtMs: g.stopAtMs ?? Number.NEGATIVE_INFINITY,
          pausedTickers: this.core.paused,
          tickers,
          positions: this.core.inventory.positions(tickers),
          limit: g.limit,
          lot: this.core.config.quoting.sizeStep,
          // With strikes: one risk, the worst-case loss of the game's whole book (ladder-risk.ts).
          ...(contracts
            ? { payoff: payoffLimitOf(g, contracts, this.core.inventory.entries(tickers), g.limit) }
            : {}),
          // A 3-way game listed without its TIE market: the gate counts the draw, as the quoter does.
          ...(g.theo ? { exhaustive: gameExhaustive(g) } : {}),
        };
      },
    };
  }

  /** Requotes in flight (stop and quiesce wait for them). */
  inFlight(): Promise<unknown>[] {
    return [...this.requotes, ...this.batches];
  }

  /** Waits for the flush that ran and the requotes it started. */
  async settled(): Promise<void> {
    await this.flushing;
    await Promise.all([...this.batches]);
    await Promise.all([...this.requotes]);
  }

  /** Nothing scheduled, dirty or running. */
  quiet(): boolean {
    return (
      !this.flushScheduled && this.requotes.size === 0 && this.batches.size === 0 && this.dirty.size === 0
    );
  }
}

/** Every book present and valid (`[...books].every` without the array). */
function allValid(books: Iterable<MarketBook | undefined>): boolean {
  for (const b of books) if (b?.valid !== true) return false;
  return true;
}
