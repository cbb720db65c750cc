/**
 * Position trust: whether the exchange's positions snapshot may overwrite a
 * market's local position, and whether a correction is the position we start
 * with (a load) or drift. Pure: a reconciliation pass's outcome in, the next
 * state and what it means out, as data.
 *
 * - A trusted pass (start-up, after a feed gap) takes the exchange's positions
 *   at once; an untrusted one only after a mismatch outlived the fill lag.
 * - A trusted correction the pass had to defer (a fill too recent for the
 *   snapshot to be sure of it) is owed: later passes stay trusted for that
 *   market until it is corrected or agrees, and its game holds meanwhile.
 *   `load` = owed by the start-up pass (the correction, when it comes, is the
 *   position we start with, not drift); `gap` = owed by a pass after a gap.
 */

export type OwedTrust = 'load' | 'gap';

export interface TrustState {
  /** The first successful pass has run: later corrections are drift unless owed as a load. */
  readonly loaded: boolean;
  readonly owed: ReadonlyMap<string, OwedTrust>;
}

export const initialTrust: TrustState = { loaded: false, owed: new Map() };

/** Whether this pass may take the exchange's position for `ticker` at once. */
export function trusted(state: TrustState, trustedPass: boolean, ticker: string): boolean {
  return trustedPass || state.owed.has(ticker);
}

export interface TrustPass {
  /** The pass was asked to trust the exchange (start-up, after a feed gap). */
  trusted: boolean;
  /** Markets whose mismatch the pass deferred (too recent a fill). */
  deferred: readonly string[];
  /** Markets the pass corrected to the exchange's position. */
  corrected: readonly string[];
}

export interface TrustUpdate {
  state: TrustState;
  /** Markets owed before and not any more (corrected or in agreement): their games may quote again. */
  settled: string[];
  /** Corrections that are the positions we start with (logged as loaded), not drift. */
  loads: ReadonlySet<string>;
}

export function afterPass(state: TrustState, pass: TrustPass): TrustUpdate {
  const initial = !state.loaded;
  const owed = new Map<string, OwedTrust>();
  for (const t of pass.deferred) {
    const kind = state.owed.get(t) ?? (pass.trusted ? (initial ? 'load' : 'gap') : undefined);
    if (kind) owed.set(t, kind);
  }
  const settled = [...state.owed.keys()].filter((t) => !owed.has(t));
  const loads = new Set(pass.corrected.filter((t) => initial || state.owed.get(t) === 'load'));
  return { state: { loaded: true, owed }, settled, loads };
}
