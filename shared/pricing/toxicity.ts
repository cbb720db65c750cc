/**
 * Markout-driven toxicity (issue #14), pure. How badly have our own recent fills in one direction
 * marked out against the theo? A fill that bought YES at a moment when the theo was θ₀ and after
 * which the theo fell to θ marks out adversely by θ₀ − θ: the taker knew something the books had
 * not priced yet. Retail flow marks out around zero; informed flow marks out against us by about
 * what it knew. The estimate is what the engine observes live (its own fills and its own theo),
 * never a simulator's truth.
 *
 * - Each fill waits `horizonMs` and is then marked once against the theo of that decision (the
 *   theo is piecewise constant between odds polls, so the first decision past the horizon sees
 *   the theo of t + horizon, or a newer one).
 * - Marked fills enter a tally per direction (buy / sell YES of one market), weighted by their
 *   contracts and decayed with half-life `halfLifeMs`.
 * - The estimate is the tally's adverse markout per contract, shrunk towards a prior (0 unless set) by
 *   `priorContracts` pseudo-contracts: (Σ w·c·a) / (prior + Σ w·c). So one fill cannot swing it,
 *   it is bounded by the markout cap, monotone in every adverse markout, and with no new fills
 *   it decays to the prior.
 * - A two-way game's directions pool both legs: buying A ≡ selling B (`combine`).
 */

export interface ToxicityRule {
  /** A fill is marked this long after it, against the theo then. */
  horizonMs: number;
  /** Half-life of a marked fill's weight. */
  halfLifeMs: number;
  /** Pseudo-contracts at the prior adverse markout. */
  priorContracts: number;
  /** The prior: adverse markout per contract presumed before any evidence (probability; default 0). */
  priorAdverse?: number;
}

/**
 * One fill's markout is clipped to ±10¢: a theo move larger than that within minutes is news that
 * would have moved the book whoever traded, and one such move must not dominate the estimate.
 */
export const MAX_MARKOUT = 0.1;

/** Decayed sums of one direction's marked fills, as of `atMs`. */
export interface Tally {
  readonly atMs: number;
  /** Σ weight × contracts. */
  readonly contracts: number;
  /** Σ weight × contracts × adverse markout (probability). */
  readonly adverse: number;
}

export const EMPTY_TALLY: Tally = { atMs: 0, contracts: 0, adverse: 0 };

/** A fill waiting for its markout: signed contracts (+ bought YES) and the theo when it happened. */
export interface OpenFill {
  readonly t: number;
  readonly contracts: number;
  readonly theo: number;
}

/** One market's toxicity memory: buy and sell tallies and the fills not yet marked. */
export interface MarketToxicity {
  readonly buy: Tally;
  readonly sell: Tally;
  readonly open: readonly OpenFill[];
}

export const EMPTY_MARKET_TOXICITY: MarketToxicity = { buy: EMPTY_TALLY, sell: EMPTY_TALLY, open: [] };

/** Fills waiting for a markout are bounded: the oldest are dropped past this many (a theo outage). */
export const MAX_OPEN_FILLS = 256;

/** The tally as of `now` (never moves backwards in time). */
export function decay(t: Tally, now: number, halfLifeMs: number): Tally {
  if (!(now > t.atMs)) return t;
  if (t.contracts === 0 && t.adverse === 0) return { atMs: now, contracts: 0, adverse: 0 };
  const f = 0.5 ** ((now - t.atMs) / halfLifeMs);
  return { atMs: now, contracts: t.contracts * f, adverse: t.adverse * f };
}

/** Adds one marked fill (contracts > 0, adverse markout in probability, clipped). */
export function addMarkout(
  t: Tally,
  now: number,
  contracts: number,
  adverse: number,
  rule: ToxicityRule,
): Tally {
  const d = decay(t, now, rule.halfLifeMs);
  if (!(contracts > 0) || !Number.isFinite(adverse)) return d;
  const a = Math.max(-MAX_MARKOUT, Math.min(MAX_MARKOUT, adverse));
  return { atMs: d.atMs, contracts: d.contracts + contracts, adverse: d.adverse + contracts * a };
}

/** Both tallies as one (a two-way game: buying A and selling B are one direction). */
export function combine(a: Tally, b: Tally, now: number, halfLifeMs: number): Tally {
  const x = decay(a, now, halfLifeMs);
  const y = decay(b, now, halfLifeMs);
  return {
    atMs: Math.max(x.atMs, y.atMs),
    contracts: x.contracts + y.contracts,
    adverse: x.adverse + y.adverse,
  };
}

/** Expected adverse markout per contract of the next fill this way (probability; < 0: benign). */
export function toxicity(t: Tally, now: number, rule: ToxicityRule): number {
  const d = decay(t, now, rule.halfLifeMs);
  const prior = rule.priorAdverse ?? 0;
  const denom = rule.priorContracts + d.contracts;
  return denom > 0 ? (rule.priorContracts * prior + d.adverse) / denom : prior;
}

/**
 * One decision's step of a market's toxicity memory: add this decision's fill (if any), then mark
 * every open fill at least `horizonMs` old against `theo` (kept open while there is no usable theo).
 */
export function stepMarketToxicity(
  state: MarketToxicity,
  now: number,
  theo: number | null,
  fill: OpenFill | null,
  rule: ToxicityRule,
): MarketToxicity {
  let open = state.open;
  if (fill !== null && fill.contracts !== 0 && Number.isFinite(fill.theo)) {
    open = open.concat(fill);
    if (open.length > MAX_OPEN_FILLS) open = open.slice(open.length - MAX_OPEN_FILLS);
  }
  const usable = theo !== null && Number.isFinite(theo) && theo > 0 && theo < 1;
  if (!usable || open.length === 0 || now - (open[0] as OpenFill).t < rule.horizonMs) {
    return open === state.open ? state : { buy: state.buy, sell: state.sell, open };
  }
  let { buy, sell } = state;
  const rest: OpenFill[] = [];
  for (const f of open) {
    if (now - f.t < rule.horizonMs) {
      rest.push(f);
      continue;
    }
    // Bought YES: the theo falling since is adverse. Sold YES: the theo rising is.
    if (f.contracts > 0) buy = addMarkout(buy, now, f.contracts, f.theo - theo, rule);
    else sell = addMarkout(sell, now, -f.contracts, theo - f.theo, rule);
  }
  return { buy, sell, open: rest };
}

/**
 * How much of the inventory taper a side carries: 0 with no adverse evidence, 1 once the expected
 * adverse markout per contract reaches `fullAt` (the minimum edge: flow that takes all of the edge
 * we demand gets the whole taper); never less than `floor` (lotTaperFloor).
 */
export function taperWeight(tox: number, fullAt: number, floor = 0): number {
  const f = floor > 0 ? Math.min(1, floor) : 0;
  if (!(tox > 0)) return f;
  if (!(fullAt > 0)) return 1;
  return Math.max(f, Math.min(1, tox / fullAt));
}

/**
 * The share of the limit one full-size quote takes (`toxicityTaperFloor: 'lot'`): the least taper a
 * side carries whatever its markouts. A limit of few lots (a thin 3-way card: 17 contracts against a
 * 10-contract quote) is filled by one or two fills of an untapered adding side, and in a game of
 * several markets that side then takes the worst-case room the other markets' quotes needed
 * (fitSizesToLimit cuts them). With many lots in the limit the floor is small and the markouts decide.
 */
export function lotTaperFloor(base: number, limit: number): number {
  if (!(limit > 0)) return 1;
  return Math.min(1, Math.max(0, base / limit));
}

/**
 * Sizes with the inventory taper scaled per side: the adding side (bid when long, ask when short)
 * is base × (1 − w·min(1, |q|/limit)); w = 1 is the blind taper (risk/limits taperedSizes), w = 0
 * no taper (the limit alone cuts it later).
 */
export function toxicTaperedSizes(
  base: number,
  q: number,
  limit: number,
  weight: { bid: number; ask: number },
): { bid: number; ask: number } {
  if (limit <= 0) return { bid: 0, ask: 0 };
  const shrink = (x: number, w: number) => Math.max(0, Math.floor(base * (1 - w * Math.min(1, x / limit))));
  return { bid: q > 0 ? shrink(q, weight.bid) : base, ask: q < 0 ? shrink(-q, weight.ask) : base };
}
