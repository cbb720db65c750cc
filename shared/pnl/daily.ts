/**
 * A trading day's realised PnL from the realisations of the stored record (shared/pnl/realised.ts):
 * total, split into trades, the settlement wave and fees; per sport and per game; and the day's
 * drawdown — the deepest fall of cumulative realised PnL below its running peak (from 0 at the
 * day's start), in the order the money arrived. Pure.
 */
import type { Micros } from '../units.ts';
import type { Realisation } from './realised.ts';

export interface PnlSplit {
  realised: Micros;
  trades: Micros;
  settlements: Micros;
  /** Fees as a negative amount (a rebate positive). */
  fees: Micros;
}

export interface GameDay extends PnlSplit {
  eventTicker: string;
  sport: string;
}

export interface SportDay extends PnlSplit {
  sport: string;
  games: number;
}

export interface DayPnl extends PnlSplit {
  day: string;
  /** Deepest fall of cumulative realised below its running peak, Micros (≥ 0). */
  drawdown: Micros;
  /** Cumulative realised after each realisation: [epoch ms, Micros]. */
  curve: [number, Micros][];
  byGame: GameDay[];
  bySport: SportDay[];
}

const zero = (): PnlSplit => ({ realised: 0, trades: 0, settlements: 0, fees: 0 });

function add(s: PnlSplit, r: Realisation): void {
  s.realised += r.amount;
  if (r.source === 'trade') s.trades += r.amount;
  else if (r.source === 'settlement') s.settlements += r.amount;
  else s.fees += r.amount;
}

/** The series prefix of an event ticker (KXNBAGAME-25NOV01BOSMIL → KXNBAGAME). */
export const seriesOf = (eventTicker: string): string => eventTicker.split('-')[0] ?? eventTicker;

export function dayPnl(
  realisations: readonly Realisation[],
  day: string,
  dayOf: (ms: number) => string,
  sportOf: (eventTicker: string) => string,
): DayPnl {
  const total = zero();
  const games = new Map<string, GameDay>();
  const curve: [number, Micros][] = [];
  let cumulative = 0;
  let peak = 0;
  let drawdown = 0;
  const mine = realisations.filter((r) => dayOf(r.ts) === day).sort((a, b) => a.ts - b.ts);
  for (const r of mine) {
    add(total, r);
    let g = games.get(r.eventTicker);
    if (!g) {
      g = { eventTicker: r.eventTicker, sport: sportOf(r.eventTicker), ...zero() };
      games.set(r.eventTicker, g);
    }
    add(g, r);
    cumulative += r.amount;
    peak = Math.max(peak, cumulative);
    drawdown = Math.max(drawdown, peak - cumulative);
    curve.push([r.ts, cumulative]);
  }
  const sports = new Map<string, SportDay>();
  for (const g of games.values()) {
    let s = sports.get(g.sport);
    if (!s) {
      s = { sport: g.sport, games: 0, ...zero() };
      sports.set(g.sport, s);
    }
    s.games++;
    s.realised += g.realised;
    s.trades += g.trades;
    s.settlements += g.settlements;
    s.fees += g.fees;
  }
  return {
    day,
    ...total,
    drawdown,
    curve,
    byGame: [...games.values()].sort((a, b) => a.realised - b.realised),
    bySport: [...sports.values()].sort((a, b) => a.sport.localeCompare(b.sport)),
  };
}
