/**
 * The hidden "true" win probability of a game through time: a martingale in
 * probability (P(win | truth p at any time) = p; see martingale.ts). It moves
 * as a diffusion in log-odds (calm before the game, lively during it) with the
 * Itô drift that keeps the probability driftless, and scheduled news jumps
 * whose direction is drawn so the expectation holds. The path is drawn once
 * at fixed resolution from the game's own seeded streams, so any reader
 * (traders, the odds server, tests) sees the same value at the same scenario
 * time however often or in whatever order it asks. The winner is drawn from
 * the final probabilities when the game ends.
 */
import { itoDrift2, itoDrift3, logit, moveHome, newsJump, sigmoid } from './martingale.ts';
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
  /**
   * News jumps (epoch ms), in order, as they happened on this seed: informed
   * takers act on them. `deltaLogit` is the realised move of the home log-odds
   * against the field; `labelled` false = the news went the other way.
   */
  readonly jumps: readonly { atMs: number; deltaLogit: number; label: string; labelled: boolean }[];

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
    const scheduled = t.jumps
      .map((j) => ({
        atMs: scenarioStartMs + Math.round(j.atMinute * MS_PER_MINUTE),
        deltaLogit: j.deltaLogit,
        label: j.label,
      }))
      .sort((a, b) => a.atMs - b.atMs);
    // A separate stream for the news, so the diffusion's draws do not depend on the jumps.
    const news = Rng.derive(seed, `news/${game.id}`);
    const jumps: { atMs: number; deltaLogit: number; label: string; labelled: boolean }[] = [];
    let nextJump = 0;
    const dtHours = TRUTH_STEP_MS / MS_PER_HOUR;
    const sqrtDt = Math.sqrt(dtHours);
    for (let i = 0; i < steps; i++) {
      const at = openMs + i * TRUTH_STEP_MS;
      if (i > 0) {
        const vol = at > startMs ? t.inGameVolatility : t.volatility;
        if (this.drawLogit) {
          // The draw's chance shrinks less predictably than the winner's: half the diffusion.
          const [mh, md] = itoDrift3(h, d, vol, 0.5 * vol);
          h += mh * dtHours + vol * sqrtDt * rng.normal();
          d += md * dtHours + 0.5 * vol * sqrtDt * rng.normal();
        } else {
          h += itoDrift2(h, vol) * dtHours + vol * sqrtDt * rng.normal();
        }
      }
      while (nextJump < scheduled.length && (scheduled[nextJump]?.atMs ?? Number.POSITIVE_INFINITY) <= at) {
        const j = scheduled[nextJump]!;
        const pHome = this.drawLogit ? Math.exp(h) / (1 + Math.exp(h) + Math.exp(d)) : sigmoid(h);
        const jump = newsJump(pHome, j.deltaLogit);
        const labelled = news.next() < jump.labelledChance;
        const after = labelled ? jump.labelled : jump.reversed;
        const before = h;
        if (this.drawLogit) [h, d] = moveHome(h, d, after);
        else h = logit(after);
        jumps.push({
          atMs: j.atMs,
          deltaLogit: labelled ? j.deltaLogit : -j.deltaLogit,
          label: j.label,
          labelled,
        });
        if (!Number.isFinite(h)) h = before;
        nextJump++;
      }
      // Keep probabilities finite and away from exact 0/1.
      h = Math.max(-12, Math.min(12, h));
      d = Math.max(-12, Math.min(12, d));
      this.homeLogit[i] = h;
      if (this.drawLogit) this.drawLogit[i] = d;
    }
    this.jumps = jumps;
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
