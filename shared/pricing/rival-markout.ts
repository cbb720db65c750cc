/**
 * Rival informedness (issue #14), pure: is the others' quote in a market better informed than our theo?
 *
 * A rival's two-sided quote has a middle, its view of the value. When that view disagrees with our
 * theo, one of the two is wrong. Which one shows later: the truth proxy is our own theo `horizonMs`
 * later (past an odds poll and the books' lag), as the toxicity markouts use it. Each disagreement
 * seen (gap x = view − theo) is marked once the horizon has passed by how far the theo then moved
 * (y = theo later − theo then). The regression slope β = Σxy / Σx² says how much of the gap the
 * theo went on to close: 1 is a rival that knew where the price was going, 0 (or less) one that
 * was noise or behind us (a lagging rival's gap points back to where the theo was, and the later
 * theo does not go there). The sums decay with a half-life and β is shrunk towards 0 by a prior of
 * `priorSamples` gaps of `priorGap`, so a handful of lucky samples cannot make a rival informed.
 *
 * What the quoter does with it (worker/engine/adapters/rival-guard.ts, switch `rivalInformed`):
 * - the theo leans towards the rival's view by β × the gap, at most `maxShift` — what its record
 *   says the rival knows, and never more than a bounded amount;
 * - while β is past `trust`, the side the rival's view warns against (our bid when it values the
 *   contract below our theo, our ask when above) does not join or improve the others' best: a maker
 *   stepping ahead of an informed rival is first in line for the takers who know what it knows.
 *
 * The memory per market is bounded: at most one sample per `sampleMs`, at most `maxPending`
 * waiting, samples that cannot be marked within twice the horizon (no theo) are dropped.
 */
import type { BookLevel } from './competitive.ts';

export interface RivalRule {
  /** A disagreement is marked against the theo this long after it, ms. */
  horizonMs: number;
  /** At most one sample per market this often, ms (the decisions come much faster than the theo moves). */
  sampleMs: number;
  /** Half-life of a marked sample's weight, ms. */
  halfLifeMs: number;
  /** Prior: this many pseudo-samples of gap `priorGap` that the theo did not follow (β shrunk to 0). */
  priorSamples: number;
  priorGap: number;
  /** The others' spread past which their quote has no view of the middle (probability). */
  maxSpread: number;
  /** Gaps smaller than this (probability) are tick noise, not a disagreement. */
  minGap: number;
  /** β from which the warned side stops following the others' best. */
  trust: number;
  /** Samples waiting for their markout, at most. */
  maxPending: number;
}

export const DEFAULT_RIVAL_RULE: RivalRule = {
  horizonMs: 120_000,
  sampleMs: 10_000,
  halfLifeMs: 1_800_000,
  priorSamples: 10,
  priorGap: 0.01,
  maxSpread: 0.1,
  minGap: 0.005,
  trust: 0.25,
  maxPending: 32,
};

/** One disagreement waiting for its markout: when, our theo then, and the rival's view − theo. */
export interface RivalSample {
  readonly t: number;
  readonly theo: number;
  readonly gap: number;
}

/** Decayed sums of marked samples as of `atMs`: Σw·x·y, Σw·x², Σw. */
export interface RivalTally {
  readonly atMs: number;
  readonly xy: number;
  readonly xx: number;
  readonly n: number;
}

export const EMPTY_RIVAL_TALLY: RivalTally = { atMs: 0, xy: 0, xx: 0, n: 0 };

/** One market's memory of the others' quote against our theo. */
export interface RivalMarkouts {
  readonly tally: RivalTally;
  readonly pending: readonly RivalSample[];
  readonly lastSampleMs: number | undefined;
}

export const EMPTY_RIVAL_MARKOUTS: RivalMarkouts = {
  tally: EMPTY_RIVAL_TALLY,
  pending: [],
  lastSampleMs: undefined,
};

/** A marked gap's theo move is clipped to ±10¢ (news that moved everything must not dominate). */
const MAX_MOVE = 0.1;

/** The tally as of `now` (never backwards). */
export function decayTally(t: RivalTally, now: number, halfLifeMs: number): RivalTally {
  if (!(now > t.atMs)) return t;
  const f = 0.5 ** ((now - t.atMs) / halfLifeMs);
  return { atMs: now, xy: t.xy * f, xx: t.xx * f, n: t.n * f };
}

/** Sums of several tallies (a game's markets) as of `now`. */
export function poolTallies(tallies: readonly RivalTally[], now: number, halfLifeMs: number): RivalTally {
  let out: RivalTally = { ...EMPTY_RIVAL_TALLY, atMs: now };
  for (const t of tallies) {
    const d = decayTally(t, now, halfLifeMs);
    out = { atMs: now, xy: out.xy + d.xy, xx: out.xx + d.xx, n: out.n + d.n };
  }
  return out;
}

/**
 * The others' view of the value (probability): the middle of their best bid and ask, when both
 * exist with at least `minSize` and their spread is at most `maxSpread`; otherwise null.
 */
export function rivalView(
  bestBid: BookLevel | null,
  bestAsk: BookLevel | null,
  minSize: number,
  maxSpread: number,
): number | null {
  if (bestBid === null || bestAsk === null || bestBid.size < minSize || bestAsk.size < minSize) return null;
  const bid = bestBid.price / 1_000_000;
  const ask = bestAsk.price / 1_000_000;
  if (!(ask > bid) || ask - bid > maxSpread + 1e-12) return null;
  return (bid + ask) / 2;
}

/**
 * One decision's step: samples past the horizon are marked against `theo` (null: they wait, and
 * are dropped after twice the horizon), and a new disagreement is sampled when one is due.
 */
export function stepRivalMarkouts(
  prev: RivalMarkouts,
  now: number,
  theo: number | null,
  view: number | null,
  rule: RivalRule,
): RivalMarkouts {
  const usable = theo !== null && Number.isFinite(theo);
  let tally = prev.tally;
  let pending = prev.pending;
  if (pending.length > 0 && now - pending[0]!.t >= rule.horizonMs) {
    const keep: RivalSample[] = [];
    for (const s of pending) {
      if (now - s.t < rule.horizonMs) keep.push(s);
      else if (usable) {
        const y = Math.max(-MAX_MOVE, Math.min(MAX_MOVE, theo - s.theo));
        const d = decayTally(tally, now, rule.halfLifeMs);
        tally = { atMs: now, xy: d.xy + s.gap * y, xx: d.xx + s.gap * s.gap, n: d.n + 1 };
      } else if (now - s.t < 2 * rule.horizonMs) keep.push(s);
    }
    pending = keep;
  }
  let lastSampleMs = prev.lastSampleMs;
  if (usable && view !== null && (lastSampleMs === undefined || now - lastSampleMs >= rule.sampleMs)) {
    const gap = view - theo;
    if (Math.abs(gap) >= rule.minGap) {
      const kept = pending.length >= rule.maxPending ? pending.slice(1) : pending;
      pending = [...kept, { t: now, theo, gap }];
      lastSampleMs = now;
    }
  }
  if (tally === prev.tally && pending === prev.pending && lastSampleMs === prev.lastSampleMs) return prev;
  return { tally, pending, lastSampleMs };
}

/**
 * How much of a rival's gap the theo went on to close, in [0, 1]: Σxy / (Σx² + prior), the prior
 * `priorSamples` gaps of `priorGap` that the theo did not follow.
 */
export function informedness(tally: RivalTally, rule: RivalRule): number {
  const denom = tally.xx + rule.priorSamples * rule.priorGap * rule.priorGap;
  if (!(denom > 0)) return 0;
  const beta = tally.xy / denom;
  return Number.isFinite(beta) ? Math.max(0, Math.min(1, beta)) : 0;
}

/** The theo leaned towards the rival's view by β × gap, at most `maxShift` either way, inside (0, 1). */
export function rivalLeanedTheo(theo: number, view: number | null, beta: number, maxShift: number): number {
  if (view === null || !(beta > 0) || !(maxShift > 0)) return theo;
  const shift = beta * Math.max(-maxShift, Math.min(maxShift, view - theo));
  return Math.min(0.999, Math.max(0.001, theo + shift));
}

/** The side an informed rival's view warns against: our bid when it values below our theo, our ask above. */
export function warnedSide(
  theo: number,
  view: number | null,
  beta: number,
  rule: Pick<RivalRule, 'trust' | 'minGap'>,
): 'bid' | 'ask' | null {
  if (view === null || beta < rule.trust) return null;
  const gap = view - theo;
  if (Math.abs(gap) < rule.minGap) return null;
  return gap < 0 ? 'bid' : 'ask';
}
