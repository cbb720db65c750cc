/**
 * The hidden "true" win probability of a game through time. It moves as a
 * random walk in log-odds (calm before the game, lively during it), with
 * scheduled jumps (injury news) and drift. The path is drawn once at fixed
 * resolution from the game's own seeded stream, so any reader (traders, the
 * odds server, tests) sees the same value at the same scenario time however
 * often or in whatever order it asks. The winner is drawn from the final
 * probabilities when the game ends.
 */
import { Rng } from './rng.ts';
import { type Game, MS_PER_MINUTE } from './schema.ts';

export type Outcome = 'home' | 'away' | 'draw';

export interface Probabilities {
  home: number;
  away: number;
  /** Present for 3-way games only. */
  draw?: number;
}

/** Path resolution: one point per scenario second. */
export const TRUTH_STEP_MS = 1000;
const MS_PER_HOUR = 3_600_000;

export interface GameTimes {
  openMs: number;
  startMs: number;
  endMs: number;
  settleMs: number;
}

/** Real times of a game: `startMs` includes every announced start change. */
export function gameTimes(game: Game, scenarioStartMs: number): GameTimes {
  const openMs = scenarioStartMs + Math.round(game.openMinute * MS_PER_MINUTE);
  const moved = game.startDelays.reduce((t, d) => t + d.byMinutes, 0);
  const startMs = scenarioStartMs + Math.round((game.startMinute + moved) * MS_PER_MINUTE);
  const endMs = startMs + Math.round(game.durationMinutes * MS_PER_MINUTE);
  return { openMs, startMs, endMs, settleMs: endMs + Math.round(game.settleDelayMinutes * MS_PER_MINUTE) };
}

export class TruthPath {
  readonly times: GameTimes;
  /** Home log-odds against away, per step from `openMs`. */
  private readonly homeLogit: Float64Array;
  /** Draw log-odds against away (3-way only). */
  private readonly drawLogit: Float64Array | null;
  readonly outcome: Outcome;
  /** Jump times (epoch ms), in order: informed takers act on them. */
  readonly jumps: readonly { atMs: number; deltaLogit: number; label: string }[];

  constructor(
    readonly game: Game,
    scenarioStartMs: number,
    seed: number,
  ) {
    this.times = gameTimes(game, scenarioStartMs);
    const { openMs, startMs, endMs } = this.times;
    const rng = Rng.derive(seed, `truth/${game.id}`);
    const steps = Math.max(1, Math.ceil((endMs - openMs) / TRUTH_STEP_MS) + 1);
    const t = game.truth;
    const pAway = 1 - t.home - (t.draw ?? 0);
    this.homeLogit = new Float64Array(steps);
    this.drawLogit = t.draw === undefined ? null : new Float64Array(steps);
    let h = Math.log(t.home / pAway);
    let d = t.draw === undefined ? 0 : Math.log(t.draw / pAway);
    this.jumps = t.jumps
      .map((j) => ({
        atMs: scenarioStartMs + Math.round(j.atMinute * MS_PER_MINUTE),
        deltaLogit: j.deltaLogit,
        label: j.label,
      }))
      .sort((a, b) => a.atMs - b.atMs);
    let nextJump = 0;
    const dtHours = TRUTH_STEP_MS / MS_PER_HOUR;
    for (let i = 0; i < steps; i++) {
      const at = openMs + i * TRUTH_STEP_MS;
      if (i > 0) {
        const vol = at > startMs ? t.inGameVolatility : t.volatility;
        h += t.driftPerHour * dtHours + vol * Math.sqrt(dtHours) * rng.normal();
        // The draw's chance shrinks less predictably than the winner's: half the diffusion.
        if (this.drawLogit) d += 0.5 * vol * Math.sqrt(dtHours) * rng.normal();
      }
      while (nextJump < this.jumps.length && (this.jumps[nextJump]?.atMs ?? Number.POSITIVE_INFINITY) <= at) {
        h += this.jumps[nextJump]!.deltaLogit;
        nextJump++;
      }
      // Keep probabilities finite and away from exact 0/1.
      h = Math.max(-12, Math.min(12, h));
      d = Math.max(-12, Math.min(12, d));
      this.homeLogit[i] = h;
      if (this.drawLogit) this.drawLogit[i] = d;
    }
    const final = this.at(endMs);
    const u = Rng.derive(seed, `outcome/${game.id}`).next();
    this.outcome = u < final.home ? 'home' : u < final.home + (final.draw ?? 0) ? 'draw' : 'away';
  }

  private index(ms: number): number {
    const i = Math.floor((ms - this.times.openMs) / TRUTH_STEP_MS);
    return Math.max(0, Math.min(this.homeLogit.length - 1, i));
  }

  /** True probabilities at scenario time `ms` (clamped to the path's span). */
  at(ms: number): Probabilities {
    const i = this.index(ms);
    const h = Math.exp(this.homeLogit[i]!);
    if (!this.drawLogit) {
      const home = h / (1 + h);
      return { home, away: 1 - home };
    }
    const d = Math.exp(this.drawLogit[i]!);
    const z = 1 + h + d;
    return { home: h / z, away: 1 / z, draw: d / z };
  }
}

/** The start time the world knows at `nowMs`: the schedule plus the changes announced so far. */
export function announcedStartMs(game: Game, scenarioStartMs: number, nowMs: number): number {
  const moved = game.startDelays
    .filter((d) => scenarioStartMs + Math.round(d.atMinute * MS_PER_MINUTE) <= nowMs)
    .reduce((t, d) => t + d.byMinutes, 0);
  return scenarioStartMs + Math.round((game.startMinute + moved) * MS_PER_MINUTE);
}

/** Probability of one outcome. */
export function probabilityOf(p: Probabilities, outcome: Outcome): number {
  return outcome === 'draw' ? (p.draw ?? 0) : p[outcome];
}
