/**
 * Kalshi's trading fee per fill: roundup(rate × multiplier × C × P × (1 − P)),
 * rounded up to the member precision (default $0.0001, as in Kalshi's
 * fee_rounding page). Computed in BigInt so no float touches money.
 */
import type { Centis, Micros } from '../../shared/units.ts';
import type { FeeType } from './types.ts';

/** Rates in ten-thousandths: taker 0.07, maker 0.0175 (a quarter) or 0.035 (combo, half). */
const TAKER_RATE_E4 = 700n;
const MAKER_RATE_E4: Record<FeeType, bigint> = {
  quadratic: 0n,
  flat: 0n,
  quadratic_with_maker_fees: 175n,
  quadratic_with_combo_maker_fees: 350n,
};

export function feeMicros(
  feeType: FeeType,
  feeMultiplier: number,
  isTaker: boolean,
  price: Micros,
  count: Centis,
  roundingMicros: Micros = 100,
): Micros {
  const rate = isTaker ? TAKER_RATE_E4 : MAKER_RATE_E4[feeType];
  const mult = BigInt(Math.round(feeMultiplier * 10_000));
  if (rate === 0n || mult <= 0n || count <= 0 || price <= 0 || price >= 1_000_000) return 0;
  // fee$ = rate/1e4 · mult/1e4 · count/100 · P/1e6 · (1e6−P)/1e6 ⇒ micros = numerator / 1e16
  const numerator = rate * mult * BigInt(count) * BigInt(price) * BigInt(1_000_000 - price);
  const unit = 10_000_000_000_000_000n * BigInt(roundingMicros);
  const units = (numerator + unit - 1n) / unit;
  return Number(units) * roundingMicros;
}
