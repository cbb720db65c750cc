/**
 * Drives a scenario through time: lists each game on the exchange (series,
 * event with its start-time milestone, one market per outcome), lets the
 * traders act on a deterministic timeline, determines each market from the
 * truth path's outcome when the game ends (settlement follows after the
 * settlement timer) and switches faults on and off on schedule.
 *
 * With a SteppedClock, `step(toMs)` moves the clock to each action's time
 * before running it, so a headless run is exactly reproducible. With a
 * ScaledClock, `start()` follows the clock on a short wall-clock timer.
 */
import type { Micros } from '../../shared/units.ts';
import type { SimClock } from '../clock.ts';
import type { KalshiEngine } from '../kalshi/engine.ts';
import type { OddsFaults } from '../odds/api.ts';
import { Competitor } from '../traders/competitor.ts';
import { InformedTaker } from '../traders/informed-taker.ts';
import { NoiseTaker } from '../traders/noise-taker.ts';
import { StartingBook } from '../traders/starting-book.ts';
import {
  type Exchange,
  TRADER_CASH,
  type Trader,
  type TraderAction,
  type TraderContext,
} from '../traders/trader.ts';
import { determineLadders, listLadders } from './ladder-listing.ts';
import { marketsOf } from './ladders.ts';
import { Scheduler } from './scheduler.ts';
import type { FaultConfig, OddsFaultName, PriceRange } from './schema.ts';
import { announcedStartMs } from './truth.ts';
import type { SimGame, World } from './world.ts';

/** The exchange admin operations the runner needs on top of the traders' ones. */
export type RunnerExchange = Exchange &
  Pick<
    KalshiEngine,
    | 'createSeries'
    | 'series'
    | 'createEvent'
    | 'event'
    | 'createMarket'
    | 'determine'
    | 'tick'
    | 'setEventStartTime'
    | 'setPriceRanges'
  >;

export type FaultSwitchCommand =
  | { target: 'odds'; name: OddsFaultName; on: boolean; params: Record<string, number> }
  | { target: 'kalshi'; name: string; on: boolean; params: Record<string, number> };

/** Run-time switches of the Kalshi simulator's faults (see sim/kalshi). */
export interface KalshiFaultSwitch {
  set(name: string, on: boolean, params?: Record<string, number>): void;
}

export type RunnerEvent =
  | { type: 'listed'; at: number; game: string; eventTicker: string }
  | { type: 'game_start'; at: number; game: string }
  | { type: 'start_moved'; at: number; game: string; startTime: number }
  | { type: 'tick_changed'; at: number; game: string; structure: string }
  | { type: 'determined'; at: number; game: string; outcome: string }
  | { type: 'settled'; at: number; game: string }
  | { type: 'fault'; at: number; target: 'kalshi' | 'odds'; name: string; on: boolean }
  | { type: 'error'; at: number; message: string };

export interface RunnerOptions {
  world: World;
  exchange: RunnerExchange;
  clock: SimClock;
  oddsFaults?: OddsFaults;
  kalshiFaults?: KalshiFaultSwitch;
  onEvent?: (event: RunnerEvent) => void;
  /** Keep at most this many trader actions in `actions` (default 200 000). */
  maxActions?: number;
}

const DAY_MS = 86_400_000;

function levelStructure(ranges: readonly PriceRange[]): string {
  if (
    ranges.length === 1 &&
    ranges[0]!.start === 0 &&
    ranges[0]!.end === 1_000_000 &&
    ranges[0]!.step === 10_000
  )
    return 'linear_cent';
  if (ranges.every((r) => r.step === 1_000)) return 'deci_cent';
  return 'tapered_deci_cent';
}

const DAY = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  month: 'short',
  day: 'numeric',
});
const DAY_YEAR = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  month: 'short',
  day: 'numeric',
  year: 'numeric',
});

/** The scheduled game day as Kalshi writes it in titles and rules ("Nov 14", "Nov 14, 2026"). */
function scheduledDay(sim: SimGame, withYear = false): string {
  const scheduled =
    sim.path.times.startMs - sim.game.startDelays.reduce((t, d) => t + d.byMinutes, 0) * 60_000;
  return (withYear ? DAY_YEAR : DAY).format(new Date(scheduled));
}

function milestoneType(sportKey: string): string {
  const sport = sportKey.split('_')[0] ?? '';
  return (
    {
      basketball: 'basketball_game',
      americanfootball: 'football_game',
      soccer: 'soccer_game',
      icehockey: 'hockey_game',
      baseball: 'baseball_game',
    }[sport] ?? `${sport}_game`
  );
}

interface Settable extends SimClock {
  set(ms: number): void;
}

function isSettable(clock: SimClock): clock is Settable {
  return typeof (clock as Partial<Settable>).set === 'function';
}

export class ScenarioRunner {
  readonly world: World;
  readonly traders: Trader[];
  /** Trader actions in order (bounded by `maxActions`). */
  readonly actions: TraderAction[] = [];
  /** Actions dropped past `maxActions`. */
  droppedActions = 0;
  private readonly scheduler = new Scheduler();
  private readonly opts: RunnerOptions;
  private timer: NodeJS.Timeout | undefined;
  private isSetUp = false;
  private lastTickMs = Number.NaN;

  constructor(opts: RunnerOptions) {
    this.opts = opts;
    this.world = opts.world;
    const { traders } = opts.world.scenario;
    const seed = opts.world.seed;
    this.traders = [
      ...(traders.startingBook ? [new StartingBook(traders.startingBook)] : []),
      ...traders.noiseTakers.map((c) => new NoiseTaker(c, seed)),
      ...traders.informedTakers.map((c) => new InformedTaker(c, seed)),
      ...traders.competitors.map((c) => new Competitor(c, seed)),
    ];
  }

  private emit(e: RunnerEvent): void {
    this.opts.onEvent?.(e);
  }

  /** Scenario time now. */
  now(): number {
    return this.opts.clock.now();
  }

  /** True once every scheduled action has run and the scenario's end has passed. */
  get finished(): boolean {
    return this.now() >= this.world.endMs && this.scheduler.size === 0;
  }

  /** When the next scheduled action is due (an in-process driver interleaves it with its own timers). */
  nextActionAt(): number | undefined {
    return this.scheduler.peek();
  }

  /** Lists the games on the exchange, funds the traders and schedules everything. Idempotent. */
  setup(): void {
    if (this.isSetUp) return;
    this.isSetUp = true;
    const ex = this.opts.exchange;
    for (const sim of this.world.games) this.list(sim);
    for (const t of this.traders) ex.deposit(t.userId, TRADER_CASH as Micros);
    const ctx: TraderContext = {
      world: this.world,
      exchange: ex,
      now: () => this.now(),
      schedule: (at, task) => this.scheduler.schedule(at, task),
      record: (a) => {
        if (this.actions.length < (this.opts.maxActions ?? 200_000)) this.actions.push(a);
        else this.droppedActions++;
      },
    };
    for (const sim of this.world.games) this.scheduleLife(sim);
    for (const f of this.world.scenario.faults) this.scheduleFault(f);
    for (const t of this.traders) t.start(ctx);
  }

  private list(sim: SimGame): void {
    const ex = this.opts.exchange;
    const g = sim.game;
    if (!ex.series(g.seriesTicker)) {
      ex.createSeries({
        ticker: g.seriesTicker,
        title: `${g.league} Game`,
        category: 'Sports',
        tags: [g.league],
        feeType: g.seriesFeeType,
      });
    }
    if (ex.event(sim.eventTicker)) return;
    const { openMs, endMs } = sim.path.times;
    ex.createEvent({
      eventTicker: sim.eventTicker,
      seriesTicker: g.seriesTicker,
      title: sim.title,
      subTitle: `${g.away.code} at ${g.home.code} (${scheduledDay(sim)})`,
      mutuallyExclusive: true,
      startTimeMs: announcedStartMs(g, this.world.startMs, this.now()),
      milestoneType: milestoneType(g.oddsSportKey),
      competition: g.league,
    });
    for (const m of sim.markets) {
      ex.createMarket({
        ticker: m.ticker,
        eventTicker: sim.eventTicker,
        title: `${sim.title} Winner?`,
        yesSubTitle: m.yesSubTitle,
        noSubTitle: m.yesSubTitle,
        openTimeMs: openMs,
        // Kalshi's close time is a late backstop; game markets close early once the result is known.
        closeTimeMs: endMs + 14 * DAY_MS,
        expectedExpirationMs: endMs,
        priceLevelStructure: levelStructure(sim.tick),
        priceRanges: sim.tick.map((r) => ({ ...r })),
        settlementTimerSeconds: Math.round(g.settleDelayMinutes * 60),
        rulesPrimary: `If ${m.yesSubTitle === 'Tie' ? 'the' : `${m.yesSubTitle} wins the`} ${sim.title} ${g.league} game originally scheduled for ${scheduledDay(sim, true)}${m.yesSubTitle === 'Tie' ? ' ends in a tie' : ''}, then the market resolves to Yes.`,
        status: openMs <= this.now() ? 'active' : 'initialized',
      });
    }
    this.emit({ type: 'listed', at: this.now(), game: g.id, eventTicker: sim.eventTicker });
    for (const eventTicker of listLadders(ex, sim, {
      subTitle: `${g.away.code} at ${g.home.code} (${scheduledDay(sim)})`,
      startTimeMs: announcedStartMs(g, this.world.startMs, this.now()),
      milestoneType: milestoneType(g.oddsSportKey),
      priceLevelStructure: levelStructure(sim.tick),
      closeTimeMs: endMs + 14 * DAY_MS,
      expectedExpirationMs: endMs,
      status: openMs <= this.now() ? 'active' : 'initialized',
    }))
      this.emit({ type: 'listed', at: this.now(), game: g.id, eventTicker });
  }

  private scheduleLife(sim: SimGame): void {
    const { openMs, startMs, endMs, settleMs } = sim.path.times;
    const ex = this.opts.exchange;
    this.scheduler.schedule(openMs, () => ex.tick());
    this.scheduler.schedule(startMs, () =>
      this.emit({ type: 'game_start', at: this.now(), game: sim.game.id }),
    );
    for (const d of sim.game.startDelays) {
      const at = this.world.startMs + Math.round(d.atMinute * 60_000);
      this.scheduler.schedule(at, () => {
        const startTime = announcedStartMs(sim.game, this.world.startMs, at);
        ex.setEventStartTime(sim.eventTicker, startTime);
        for (const ev of sim.ladders?.events ?? []) ex.setEventStartTime(ev.eventTicker, startTime);
        this.emit({ type: 'start_moved', at: this.now(), game: sim.game.id, startTime });
      });
    }
    for (const c of sim.game.tickChanges) {
      this.scheduler.schedule(this.world.startMs + Math.round(c.atMinute * 60_000), () => {
        const structure = levelStructure(c.tick);
        for (const m of marketsOf(sim)) {
          const status = ex.market(m.ticker)?.status;
          if (status === 'determined' || status === 'finalized') continue;
          ex.setPriceRanges(m.ticker, structure, c.tick);
        }
        this.emit({ type: 'tick_changed', at: this.now(), game: sim.game.id, structure });
      });
    }
    this.scheduler.schedule(endMs, () => {
      for (const m of sim.markets) {
        const market = ex.market(m.ticker);
        if (!market || market.status === 'determined' || market.status === 'finalized') continue;
        ex.determine(m.ticker, m.outcome === sim.path.outcome ? 'yes' : 'no');
      }
      determineLadders(ex, sim);
      this.emit({ type: 'determined', at: this.now(), game: sim.game.id, outcome: sim.path.outcome });
    });
    this.scheduler.schedule(settleMs, () => {
      ex.tick();
      this.emit({ type: 'settled', at: this.now(), game: sim.game.id });
    });
  }

  /** Switches a fault now (the schedule uses this; so can an operator at run time). */
  setFault(f: FaultSwitchCommand): void {
    if (f.target === 'odds') this.opts.oddsFaults?.set(f.name, f.on, f.params);
    else this.opts.kalshiFaults?.set(f.name, f.on, f.params);
    this.emit({ type: 'fault', at: this.now(), target: f.target, name: f.name, on: f.on });
  }

  private scheduleFault(f: FaultConfig): void {
    const at = this.world.startMs + Math.round(f.atMinute * 60_000);
    const flip = (on: boolean) => this.setFault({ ...f, on } as FaultSwitchCommand);
    this.scheduler.schedule(at, () => flip(true));
    if (f.durationMinutes !== null)
      this.scheduler.schedule(at + Math.round(f.durationMinutes * 60_000), () => flip(false));
  }

  /**
   * Runs every action due at or before `toMs`, in time order. With a settable
   * (stepped) clock the clock is moved to each action's time first and ends at
   * `toMs`; with a real-time clock actions run up to the clock's present.
   * Returns the number of actions run.
   */
  step(toMs: number): number {
    this.setup();
    const clock = this.opts.clock;
    const settable = isSettable(clock);
    const limit = settable ? toMs : Math.min(toMs, clock.now());
    let ran = 0;
    for (;;) {
      const due = this.scheduler.popDue(limit);
      if (!due) break;
      if (settable && due.at > clock.now()) clock.set(due.at);
      try {
        this.tickExchange();
        due.task();
      } catch (e) {
        // One bad action must not stop the world; it is reported.
        this.emit({ type: 'error', at: this.now(), message: (e as Error).message });
      }
      ran++;
    }
    if (settable && toMs > clock.now()) clock.set(toMs);
    this.tickExchange();
    return ran;
  }

  /** Time-driven exchange transitions, once per distinct instant. */
  private tickExchange(): void {
    const now = this.now();
    if (now === this.lastTickMs) return;
    this.lastTickMs = now;
    this.opts.exchange.tick();
  }

  /** Follows a real-time clock: steps every `intervalMs` of wall time until stopped or finished. */
  start(intervalMs = 20): void {
    this.setup();
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.step(this.now());
      if (this.finished) this.stop();
    }, intervalMs);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Per-trader counts: orders placed, contracts filled on placement, refusals. */
  summary(): Record<string, { placed: number; filled: number; rejected: number; cancelled: number }> {
    const out: Record<string, { placed: number; filled: number; rejected: number; cancelled: number }> = {};
    for (const a of this.actions) {
      out[a.trader] ??= { placed: 0, filled: 0, rejected: 0, cancelled: 0 };
      const s = out[a.trader]!;
      if (a.kind === 'place') {
        s.placed++;
        s.filled += a.filled ?? 0;
      } else if (a.kind === 'reject') s.rejected++;
      else s.cancelled++;
    }
    return out;
  }
}
