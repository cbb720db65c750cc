/**
 * Kalshi trading fees, exact.
 *
 *   taker = roundup(0.07   × mult × C × P × (1 − P))
 *   maker = 0                                   fee_type `quadratic`
 *         = roundup(0.0175 × mult × C × P × (1 − P))   `quadratic_with_maker_fees`
 *         = roundup(0.035  × mult × C × P × (1 − P))   `quadratic_with_combo_maker_fees`
 *   `flat`: a fixed fee per contract from the schedule PDF (configured here).
 *
 * C = contracts, P = price in dollars. Kalshi rounds the trade fee up to $0.0001
 * and then charges a rounding fee up to the member's precision: $0.01 for
 * non-direct members, with a per-order accumulator that refunds whole-cent
 * over-payment. "Round up to the next cent per order" is therefore exact for a
 * non-direct member's single fill and an upper bound for split fills; the
 * `rounding: 'centicent'` setting models a direct member ($0.0001). Fills carry
 * `fee_cost`, which stays the truth for accounting.
 *
 * All arithmetic is BigInt over integers (Micros, Centis, multiplier in
 * millionths), so no float ever touches a fee.
 */
import * as z from 'zod';
import {
  CENTIS_PER_CONTRACT,
  type Centis,
  MICROS_PER_CENT,
  MICROS_PER_DOLLAR,
  type Micros,
} from '../units.ts';

export const FEE_TYPES = [
  'quadratic',
  'quadratic_with_maker_fees',
  'quadratic_with_combo_maker_fees',
  'flat',
] as const;
export type FeeType = (typeof FEE_TYPES)[number];
export type FeeRole = 'maker' | 'taker';

export const FeeScheduleSchema = z
  .object({
    feeType: z.enum(FEE_TYPES),
    /** Series `fee_multiplier` (or the event override), e.g. 1 or 0.5. Up to 6 decimals. */
    multiplier: z.number().finite().min(0).max(100).default(1),
    /** `flat` only: fee per whole contract, Micros. */
    flatMakerPerContract: z.number().int().min(0).max(MICROS_PER_DOLLAR).default(0),
    flatTakerPerContract: z.number().int().min(0).max(MICROS_PER_DOLLAR).default(0),
    /** 'cent' = non-direct member (default); 'centicent' = direct member ($0.0001). */
    rounding: z.enum(['cent', 'centicent']).default('cent'),
  })
  .refine((f) => f.flatMakerPerContract <= f.flatTakerPerContract, {
    message: 'flat maker fee must not exceed the flat taker fee',
    path: ['flatMakerPerContract'],
  });
export type FeeSchedule = z.infer<typeof FeeScheduleSchema>;

/** No maker fee, multiplier 1: what most sports series charge. */
export const QUADRATIC_FEES: FeeSchedule = FeeScheduleSchema.parse({ feeType: 'quadratic' });

/**
 * When a series' fees cannot be read or priced: the highest maker rate Kalshi charges (combo,
 * half the taker rate) at multiplier 1. Assuming a fee we do not pay only costs edge.
 */
export const MOST_EXPENSIVE_PLAUSIBLE_FEES: FeeSchedule = FeeScheduleSchema.parse({
  feeType: 'quadratic_with_combo_maker_fees',
});

/** Fee rates in parts per 10 000. */
const TAKER_RATE = 700n; // 0.07
const MAKER_RATE: Record<Exclude<FeeType, 'flat'>, bigint> = {
  quadratic: 0n,
  quadratic_with_maker_fees: 175n, // 0.0175, a quarter of the taker rate
  quadratic_with_combo_maker_fees: 350n, // 0.035, half the taker rate
};

function roundingUnit(schedule: FeeSchedule): bigint {
  return schedule.rounding === 'cent' ? BigInt(MICROS_PER_CENT) : 100n;
}

function ceilDiv(n: bigint, d: bigint): bigint {
  return n <= 0n ? 0n : (n + d - 1n) / d;
}

function multiplierPpm(schedule: FeeSchedule): bigint {
  return BigInt(Math.round(schedule.multiplier * 1_000_000));
}

/**
 * Fee of one order of `count` contracts at `price`, Micros, rounded up to the
 * schedule's precision. Never negative; 0 for count ≤ 0.
 */
export function orderFee(schedule: FeeSchedule, role: FeeRole, price: Micros, count: Centis): Micros {
  if (!Number.isInteger(price) || price <= 0 || price >= MICROS_PER_DOLLAR) {
    throw new RangeError(`fee price ${price} must be integer Micros in (0, 1_000_000)`);
  }
  if (!Number.isInteger(count)) throw new RangeError(`fee count ${count} must be integer Centis`);
  if (count <= 0) return 0;
  const unit = roundingUnit(schedule);
  const c = BigInt(count);
  if (schedule.feeType === 'flat') {
    const per = BigInt(role === 'maker' ? schedule.flatMakerPerContract : schedule.flatTakerPerContract);
    // per (Micros/contract) × count/100 contracts, rounded up to the unit.
    const raw = per * c; // Micros × 100
    return Number(ceilDiv(raw, 100n * unit) * unit);
  }
  const rate = role === 'taker' ? TAKER_RATE : MAKER_RATE[schedule.feeType];
  if (rate === 0n) return 0;
  const ppm = multiplierPpm(schedule);
  const variance = price * (MICROS_PER_DOLLAR - price); // P(1−P) in Micros², < 2^53
  // fee$ = rate/1e4 · ppm/1e6 · C/100 · P/1e6 · (1−P)/1e6 → Micros = fee$ · 1e6
  // Micros = rate · ppm · C · P(1−P) / (1e4 · 1e6 · 1e2 · 1e6) = N / 1e18
  // Fast path: the float quotient in rounding units is exact enough to ceil
  // unless it sits within 1e-6 of an integer; only then do the exact BigInt sum.
  const units = (Number(rate) * Number(ppm) * count * variance) / 1e18 / Number(unit);
  const nearest = Math.round(units);
  if (Math.abs(units - nearest) > 1e-6) return Math.ceil(units) * Number(unit);
  const numerator = rate * ppm * c * BigInt(variance);
  return Number(ceilDiv(numerator, 10n ** 18n * unit) * unit);
}

/**
 * Fee per whole contract, Micros, when an order of `count` contracts is placed
 * at `price`: the order's rounded fee spread over its contracts, rounded up.
 * This is what an edge decision must clear (rounding makes small orders pay
 * more per contract).
 */
export function feePerContract(schedule: FeeSchedule, role: FeeRole, price: Micros, count: Centis): Micros {
  const size = count > 0 ? count : CENTIS_PER_CONTRACT;
  const fee = orderFee(schedule, role, price, size);
  return Math.ceil((fee * CENTIS_PER_CONTRACT) / size);
}

/**
 * A per-contract fee bound for quoting decisions, Micros: the unrounded fee per
 * contract plus one rounding unit spread over the order,
 *   ceil(exact + unit·100/count).
 * It is ≥ feePerContract (the rounded order fee is < exact total + one unit),
 * and unlike it, it never falls when the order gets smaller. That keeps
 * ceilings monotone in size, so shrinking a side never makes its price more
 * aggressive. It also covers a partial fill that pays a whole rounding unit before
 * Kalshi's per-order accumulator refunds it. Zero when the fee is zero.
 */
export function feeBoundPerContract(
  schedule: FeeSchedule,
  role: FeeRole,
  price: Micros,
  count: Centis,
): Micros {
  if (!Number.isInteger(price) || price <= 0 || price >= MICROS_PER_DOLLAR) {
    throw new RangeError(`fee price ${price} must be integer Micros in (0, 1_000_000)`);
  }
  const size = count > 0 ? count : CENTIS_PER_CONTRACT;
  let exact: number;
  if (schedule.feeType === 'flat') {
    exact = role === 'maker' ? schedule.flatMakerPerContract : schedule.flatTakerPerContract;
  } else {
    const rate = role === 'taker' ? TAKER_RATE : MAKER_RATE[schedule.feeType];
    // Micros per contract = rate/1e4 · mult · P(1−P)/1e6 with P(1−P) in Micros².
    exact = (Number(rate) / 1e4) * schedule.multiplier * ((price * (MICROS_PER_DOLLAR - price)) / 1e6);
  }
  if (exact <= 0) return 0;
  // Float error (~1e-9) is far below the 1/count granularity of the true value, so ceil stays an upper bound.
  return Math.ceil(exact + (Number(roundingUnit(schedule)) * CENTIS_PER_CONTRACT) / size);
}

/** Does this schedule charge makers anything at all? */
export function hasMakerFee(schedule: FeeSchedule): boolean {
  if (schedule.multiplier === 0) return false;
  if (schedule.feeType === 'flat') return schedule.flatMakerPerContract > 0;
  return MAKER_RATE[schedule.feeType] > 0n;
}

export interface KalshiFeeFields {
  /** Series `fee_type` (any string: Kalshi may add types). */
  feeType: string;
  /** Series `fee_multiplier`. */
  multiplier: number;
  /** Event `fee_type_override` / `fee_multiplier_override`, when set. */
  eventFeeType?: string | null;
  eventMultiplier?: number | null;
  /** Per-contract amounts for `flat` (from the fee schedule PDF, via config), Micros. */
  flat?: { maker: Micros; taker: Micros };
  rounding?: 'cent' | 'centicent';
}

export type FeeScheduleResult =
  | { ok: true; schedule: FeeSchedule; warning: string | null }
  | { ok: false; error: string };

/**
 * Kalshi series/event fee fields → a schedule. The event override wins. An
 * unknown fee type is priced with the highest known maker rate (combo, 0.035)
 * and a warning, so a new fee never turns a quote into a loss; `flat` without
 * configured amounts is an error (no quote). Fee waivers are ignored on purpose:
 * assuming a fee we do not pay only costs edge.
 */
export function feeScheduleFromKalshi(f: KalshiFeeFields): FeeScheduleResult {
  const type = f.eventFeeType ?? f.feeType;
  const multiplier = f.eventMultiplier ?? f.multiplier;
  let warning: string | null = null;
  let feeType: FeeType;
  if ((FEE_TYPES as readonly string[]).includes(type)) feeType = type as FeeType;
  else {
    feeType = 'quadratic_with_combo_maker_fees';
    warning = `unknown fee_type ${JSON.stringify(type).slice(0, 60)}: priced as quadratic_with_combo_maker_fees`;
  }
  if (feeType === 'flat' && !f.flat)
    return { ok: false, error: 'fee_type flat needs configured per-contract amounts' };
  const parsed = FeeScheduleSchema.safeParse({
    feeType,
    multiplier,
    flatMakerPerContract: f.flat?.maker ?? 0,
    flatTakerPerContract: f.flat?.taker ?? 0,
    rounding: f.rounding ?? 'cent',
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `fees.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, schedule: parsed.data, warning };
}
