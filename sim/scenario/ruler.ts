/**
 * The ruler: what a strategy's fills were worth against the scenario's true
 * probability, which only a simulator knows. Per fill i (signed contracts qᵢ,
 * + bought YES, − sold YES; price xᵢ; truth p*(t)):
 *
 * - edge at fill      = qᵢ·(p*(tᵢ) − xᵢ)          what the quote was worth when it traded;
 * - markout at Δ      = qᵢ·(p*(tᵢ+Δ) − xᵢ)        Δ = 10 s, 60 s, 5 min: markout − edge is
 *                                                 the adverse selection the fill carried;
 * - truth-marked PnL  = Σ qᵢ·(p*(stop) − xᵢ) − fees = edge + drift while held.
 *
 * The truth is a martingale in probability (sim/scenario/martingale.ts), so
 * E[settlement | p*(stop)] = p*(stop): marking at the truth removes the
 * settlement coin flip without bias. Settlement luck (settled − truth-marked)
 * is reported apart, never mixed in. Everything is split by counterparty type
 * (the simulator knows who traded), by quoting mode (from the decision log)
 * and by side. Pure: money in dollars, sizes in contracts.
 */

import { type Horizon, MARKOUT_HORIZONS_MS } from '../../shared/pnl/markout.ts';

// The horizons are the live markouts' too (shared/pnl/markout.ts): one definition.
export { type Horizon, MARKOUT_HORIZONS_MS };

export type Counterparty = 'retail' | 'informed' | 'competitor' | 'other';

export interface RulerFill {
  time: number;
  ticker: string;
  /** bid = we bought YES, ask = we sold YES. */
  side: 'bid' | 'ask';
  /** YES price, dollars. */
  price: number;
  contracts: number;
  /** Fee paid, dollars. */
  fee: number;
  counterparty: Counterparty;
  /** Quoting mode of the slot that filled (monopsony, competitive, ceiling, break-even, guard…); null unknown. */
  mode: string | null;
}

export interface Attribution {
  fills: number;
  contracts: number;
  /** Σ edge at fill, dollars. */
  edge: number;
  /** Edge per contract, dollars (null without contracts). */
  edgePerContract: number | null;
  /** Σ markout at each horizon, dollars. */
  markout: Record<Horizon, number>;
  /** Σ qᵢ·(p*(stop) − xᵢ) − fees, dollars. */
  truthMarked: number;
  fees: number;
}

export interface RulerScore extends Attribution {
  /** Settled PnL − truth-marked PnL over the markets that settled (null when none did). */
  settlementLuck: number | null;
  byCounterparty: Partial<Record<Counterparty, Attribution>>;
  byMode: Record<string, Attribution>;
  bySide: Partial<Record<'bid' | 'ask', Attribution>>;
  /** Per market kind (winner / spread / total), present when the input names kinds (a run with ladders). */
  byKind?: Record<string, Attribution>;
}

export interface RulerInput {
  fills: readonly RulerFill[];
  /** True probability of the market's YES at time t. */
  truth: (ticker: string, t: number) => number;
  /** When each market's inventory is marked to the truth (its game's stop time). */
  markAt: (ticker: string) => number;
  /** Settlement value of YES, dollars (0 or 1), for markets that settled. */
  settlement?: (ticker: string) => number | undefined;
  /** The market kind to report apart (winner / spread / total); omitted: no split. */
  kindOf?: (ticker: string) => string;
}

const signed = (f: RulerFill) => (f.side === 'bid' ? f.contracts : -f.contracts);

function empty(): Attribution {
  return {
    fills: 0,
    contracts: 0,
    edge: 0,
    edgePerContract: null,
    markout: { '10s': 0, '60s': 0, '5m': 0 },
    truthMarked: 0,
    fees: 0,
  };
}

function add(a: Attribution, f: RulerFill, input: RulerInput): void {
  const q = signed(f);
  a.fills++;
  a.contracts += f.contracts;
  a.fees += f.fee;
  a.edge += q * (input.truth(f.ticker, f.time) - f.price);
  for (const [h, ms] of Object.entries(MARKOUT_HORIZONS_MS) as [Horizon, number][])
    a.markout[h] += q * (input.truth(f.ticker, f.time + ms) - f.price);
  a.truthMarked += q * (input.truth(f.ticker, Math.max(f.time, input.markAt(f.ticker))) - f.price) - f.fee;
}

function finish(a: Attribution): Attribution {
  const r = (x: number) => Math.round(x * 1e6) / 1e6;
  return {
    fills: a.fills,
    contracts: r(a.contracts),
    edge: r(a.edge),
    edgePerContract: a.contracts > 0 ? r(a.edge / a.contracts) : null,
    markout: { '10s': r(a.markout['10s']), '60s': r(a.markout['60s']), '5m': r(a.markout['5m']) },
    truthMarked: r(a.truthMarked),
    fees: r(a.fees),
  };
}

/** The ruler over one run's fills. */
export function rulerScore(input: RulerInput): RulerScore {
  const all = empty();
  const byCounterparty: Partial<Record<Counterparty, Attribution>> = {};
  const byMode: Record<string, Attribution> = {};
  const bySide: Partial<Record<'bid' | 'ask', Attribution>> = {};
  const byKind: Record<string, Attribution> = {};
  for (const f of input.fills) {
    if (input.kindOf) {
      const kind = input.kindOf(f.ticker);
      byKind[kind] ??= empty();
      add(byKind[kind]!, f, input);
    }
    add(all, f, input);
    byCounterparty[f.counterparty] ??= empty();
    add(byCounterparty[f.counterparty]!, f, input);
    const mode = f.mode ?? 'unknown';
    byMode[mode] ??= empty();
    add(byMode[mode]!, f, input);
    bySide[f.side] ??= empty();
    add(bySide[f.side]!, f, input);
  }
  // Settlement luck: over settled markets, Σ qᵢ·(settled value − truth at fill i's mark).
  let luck: number | null = null;
  if (input.settlement) {
    for (const f of input.fills) {
      const value = input.settlement(f.ticker);
      if (value === undefined) continue;
      const at = Math.max(f.time, input.markAt(f.ticker));
      luck = (luck ?? 0) + signed(f) * (value - input.truth(f.ticker, at));
    }
  }
  const mapValues = <K extends string>(o: Partial<Record<K, Attribution>>) =>
    Object.fromEntries(Object.entries(o).map(([k, v]) => [k, finish(v as Attribution)])) as Partial<
      Record<K, Attribution>
    >;
  return {
    ...finish(all),
    settlementLuck: luck === null ? null : Math.round(luck * 1e6) / 1e6,
    byCounterparty: mapValues(byCounterparty),
    byMode: mapValues(byMode) as Record<string, Attribution>,
    bySide: mapValues(bySide),
    ...(input.kindOf ? { byKind: mapValues(byKind) as Record<string, Attribution> } : {}),
  };
}

/** Counterparty type of a simulated user id (`sim-<trader name>`), from the scenario's trader lists. */
export function counterpartyOf(
  userId: string,
  traders: { noise: readonly string[]; informed: readonly string[]; competitors: readonly string[] },
): Counterparty {
  const name = userId.startsWith('sim-') ? userId.slice(4) : userId;
  if (traders.noise.includes(name)) return 'retail';
  if (traders.informed.includes(name)) return 'informed';
  if (traders.competitors.includes(name)) return 'competitor';
  return 'other';
}
