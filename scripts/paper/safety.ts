/**
 * Safety invariants for chaos and simulation, beside the liveness ones (sim/scenario/uptime.ts): one definition
 * of each, judged from the exchange's truth (its positions and our resting orders there), never the
 * worker's word. Both monitors use them — the chaos run's once-a-second check (scripts/chaos.ts)
 * and the simulation recorder's samples (recorder.ts) — and each counts violations
 * its own way (chaos one per failed check, the recorder one per late order).
 */
import type { Centis, Micros } from '../../shared/units.ts';
import { signedInventory } from '../../worker/engine/exposure.ts';

/** One order of ours resting on the exchange. */
export interface RestingOrder {
  orderId: string;
  ticker: string;
  side: 'bid' | 'ask';
}

/** The game's net inventory when it is past `cap` (in either direction); null when within it. */
export function limitBreach(
  tickers: readonly string[],
  positions: ReadonlyMap<string, Centis>,
  cap: Centis,
): Centis | null {
  const inventory = signedInventory(tickers, positions);
  return Math.abs(inventory) > cap ? inventory : null;
}

/** Our orders resting in the game's markets at or after its stop time: nothing of ours may. */
export function restingAfterStop<O extends Pick<RestingOrder, 'ticker'>>(
  tickers: readonly string[],
  resting: readonly O[],
  nowMs: number,
  stopMs: number,
): O[] {
  if (nowMs < stopMs) return [];
  return resting.filter((o) => tickers.includes(o.ticker));
}

/** Markets of the game where our own best bid reaches our own best ask: we would trade with ourselves. */
export function crossedOwnQuotes(
  tickers: readonly string[],
  resting: readonly (Pick<RestingOrder, 'ticker' | 'side'> & { price: Micros })[],
): string[] {
  return tickers.filter((ticker) => {
    let bid = Number.NEGATIVE_INFINITY;
    let ask = Number.POSITIVE_INFINITY;
    for (const o of resting) {
      if (o.ticker !== ticker) continue;
      if (o.side === 'bid') bid = Math.max(bid, o.price);
      else ask = Math.min(ask, o.price);
    }
    return bid >= ask;
  });
}
