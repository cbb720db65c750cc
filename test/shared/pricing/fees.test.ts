import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FEE_TYPES,
  type FeeSchedule,
  FeeScheduleSchema,
  feeBoundPerContract,
  feePerContract,
  feeScheduleFromKalshi,
  hasMakerFee,
  orderFee,
  QUADRATIC_FEES,
} from '../../../shared/pricing/fees.ts';

const schedule = (feeType: FeeSchedule['feeType'], extra: Partial<FeeSchedule> = {}): FeeSchedule =>
  FeeScheduleSchema.parse({ feeType, ...extra });

describe('Kalshi fees (hand-computed)', () => {
  it('taker: roundup(0.07 × C × P × (1 − P)) to the cent per order', () => {
    // 0.07 × 1 × 0.50 × 0.50 = 0.0175 → $0.02
    expect(orderFee(QUADRATIC_FEES, 'taker', 500_000, 100)).toBe(20_000);
    // 0.07 × 100 × 0.25 = 1.75 exactly → $1.75 (no rounding needed)
    expect(orderFee(QUADRATIC_FEES, 'taker', 500_000, 10_000)).toBe(1_750_000);
    // 0.07 × 10 × 0.56 × 0.44 = 0.17248 → $0.18
    expect(orderFee(QUADRATIC_FEES, 'taker', 560_000, 1_000)).toBe(180_000);
    // 0.07 × 0.5 contract × 0.25 = 0.00875 → $0.01 (fractional counts)
    expect(orderFee(QUADRATIC_FEES, 'taker', 500_000, 50)).toBe(10_000);
    // 0.07 × 1 × 0.01 × 0.99 = 0.000693 → $0.01
    expect(orderFee(QUADRATIC_FEES, 'taker', 10_000, 100)).toBe(10_000);
  });

  it('maker by fee_type: quadratic 0, with_maker_fees 0.0175, combo 0.035', () => {
    expect(orderFee(QUADRATIC_FEES, 'maker', 500_000, 1_000)).toBe(0);
    // 0.0175 × 10 × 0.25 = 0.04375 → $0.05
    expect(orderFee(schedule('quadratic_with_maker_fees'), 'maker', 500_000, 1_000)).toBe(50_000);
    // 0.035 × 10 × 0.25 = 0.0875 → $0.09
    expect(orderFee(schedule('quadratic_with_combo_maker_fees'), 'maker', 500_000, 1_000)).toBe(90_000);
    // 0.0175 × 100 × 0.25 = 0.4375 → $0.44
    expect(orderFee(schedule('quadratic_with_maker_fees'), 'maker', 500_000, 10_000)).toBe(440_000);
  });

  it('fee_multiplier scales before rounding', () => {
    // 0.5 × 0.07 × 100 × 0.25 = 0.875 → $0.88
    expect(orderFee(schedule('quadratic', { multiplier: 0.5 }), 'taker', 500_000, 10_000)).toBe(880_000);
    expect(orderFee(schedule('quadratic_with_maker_fees', { multiplier: 0 }), 'taker', 500_000, 10_000)).toBe(
      0,
    );
  });

  it('direct members round to $0.0001 instead of the cent', () => {
    // 0.0175 exactly → $0.0175
    expect(orderFee(schedule('quadratic', { rounding: 'centicent' }), 'taker', 500_000, 100)).toBe(17_500);
    // 0.17248 → $0.1725
    expect(orderFee(schedule('quadratic', { rounding: 'centicent' }), 'taker', 560_000, 1_000)).toBe(172_500);
  });

  it('flat: configured per-contract fees, rounded up per order', () => {
    const flat = schedule('flat', { flatMakerPerContract: 2_500, flatTakerPerContract: 10_000 });
    // 3 contracts × $0.0025 = $0.0075 → $0.01
    expect(orderFee(flat, 'maker', 300_000, 300)).toBe(10_000);
    expect(orderFee(flat, 'taker', 300_000, 300)).toBe(30_000);
    expect(
      FeeScheduleSchema.safeParse({ feeType: 'flat', flatMakerPerContract: 5, flatTakerPerContract: 1 })
        .success,
    ).toBe(false);
  });

  it('fee per contract spreads the rounded order fee (small orders pay more per contract)', () => {
    const maker = schedule('quadratic_with_maker_fees');
    // 1 contract at 50¢: $0.004375 → $0.01 per contract
    expect(feePerContract(maker, 'maker', 500_000, 100)).toBe(10_000);
    // 10 contracts: $0.05 / 10 = $0.005 per contract
    expect(feePerContract(maker, 'maker', 500_000, 1_000)).toBe(5_000);
    expect(feePerContract(QUADRATIC_FEES, 'maker', 500_000, 1_000)).toBe(0);
    expect(hasMakerFee(QUADRATIC_FEES)).toBe(false);
    expect(hasMakerFee(maker)).toBe(true);
  });

  it('from Kalshi series/event fields: override wins, unknown type priced conservatively', () => {
    const plain = feeScheduleFromKalshi({ feeType: 'quadratic', multiplier: 1 });
    expect(plain.ok && plain.schedule.feeType).toBe('quadratic');
    const over = feeScheduleFromKalshi({
      feeType: 'quadratic',
      multiplier: 1,
      eventFeeType: 'quadratic_with_maker_fees',
      eventMultiplier: 0.5,
    });
    expect(over.ok && [over.schedule.feeType, over.schedule.multiplier]).toEqual([
      'quadratic_with_maker_fees',
      0.5,
    ]);
    const unknown = feeScheduleFromKalshi({ feeType: 'cubic_future', multiplier: 1 });
    expect(unknown.ok && unknown.schedule.feeType).toBe('quadratic_with_combo_maker_fees');
    expect(unknown.ok && unknown.warning).toMatch(/unknown fee_type/);
    expect(feeScheduleFromKalshi({ feeType: 'flat', multiplier: 1 }).ok).toBe(false);
    const neg = feeScheduleFromKalshi({ feeType: 'quadratic', multiplier: -1 });
    expect(!neg.ok && neg.error).toMatch(/fees\.multiplier/);
  });

  it('rejects prices outside (0, 1) and non-integer units', () => {
    expect(() => orderFee(QUADRATIC_FEES, 'taker', 0, 100)).toThrow(/price/);
    expect(() => orderFee(QUADRATIC_FEES, 'taker', 1_000_000, 100)).toThrow(/price/);
    expect(() => orderFee(QUADRATIC_FEES, 'taker', 500_000, 1.5)).toThrow(/count/);
    expect(orderFee(QUADRATIC_FEES, 'taker', 500_000, 0)).toBe(0);
  });
});

const arbSchedule = fc
  .record({
    feeType: fc.constantFrom(...FEE_TYPES),
    multiplier: fc.constantFrom(0, 0.25, 0.5, 1, 1.5, 2),
    flatMakerPerContract: fc.integer({ min: 0, max: 20_000 }),
    extraTaker: fc.integer({ min: 0, max: 20_000 }),
    rounding: fc.constantFrom('cent' as const, 'centicent' as const),
  })
  .map((r) => FeeScheduleSchema.parse({ ...r, flatTakerPerContract: r.flatMakerPerContract + r.extraTaker }));
const arbPrice = fc.integer({ min: 1, max: 9_999 }).map((x) => x * 100);
const arbCount = fc.integer({ min: 0, max: 1_000_000 });

describe('fee properties', () => {
  it('never negative, whole rounding units, maker ≤ taker', () => {
    fc.assert(
      fc.property(arbSchedule, arbPrice, arbCount, (s, p, c) => {
        const maker = orderFee(s, 'maker', p, c);
        const taker = orderFee(s, 'taker', p, c);
        expect(maker).toBeGreaterThanOrEqual(0);
        expect(maker).toBeLessThanOrEqual(taker);
        expect(taker % (s.rounding === 'cent' ? 10_000 : 100)).toBe(0);
      }),
    );
  });

  it('quadratic fees are symmetric in P ↔ 1 − P and monotone in count', () => {
    fc.assert(
      fc.property(arbSchedule, arbPrice, arbCount, arbCount, (s, p, c1, c2) => {
        for (const role of ['maker', 'taker'] as const) {
          if (s.feeType !== 'flat')
            expect(orderFee(s, role, p, c1)).toBe(orderFee(s, role, 1_000_000 - p, c1));
          const [lo, hi] = c1 <= c2 ? [c1, c2] : [c2, c1];
          expect(orderFee(s, role, p, lo)).toBeLessThanOrEqual(orderFee(s, role, p, hi));
        }
      }),
    );
  });

  it('per-contract fee × contracts covers the order fee, and the fee covers the exact amount', () => {
    fc.assert(
      fc.property(arbPrice, fc.integer({ min: 1, max: 100_000 }), (p, c) => {
        const s = FeeScheduleSchema.parse({ feeType: 'quadratic_with_maker_fees' });
        const fee = orderFee(s, 'maker', p, c);
        expect((feePerContract(s, 'maker', p, c) * c) / 100).toBeGreaterThanOrEqual(fee);
        const exact = 0.0175 * (c / 100) * (p / 1e6) * (1 - p / 1e6) * 1e6;
        expect(fee).toBeGreaterThanOrEqual(exact - 1e-6);
        expect(fee).toBeLessThan(exact + 10_000);
      }),
    );
  });

  it('equals the exact rational ceiling (BigInt reference) for every quadratic schedule', () => {
    const RATE = { quadratic: 0n, quadratic_with_maker_fees: 175n, quadratic_with_combo_maker_fees: 350n };
    fc.assert(
      fc.property(
        fc.constantFrom(
          'quadratic' as const,
          'quadratic_with_maker_fees' as const,
          'quadratic_with_combo_maker_fees' as const,
        ),
        fc.constantFrom('maker' as const, 'taker' as const),
        fc.constantFrom(0.25, 0.5, 1, 1.5, 2),
        fc.constantFrom('cent' as const, 'centicent' as const),
        arbPrice,
        fc.integer({ min: 1, max: 10_000_000 }),
        (feeType, role, multiplier, rounding, p, count) => {
          const s = FeeScheduleSchema.parse({ feeType, multiplier, rounding });
          const unit = rounding === 'cent' ? 10_000n : 100n;
          const rate = role === 'taker' ? 700n : RATE[feeType];
          const n =
            rate * BigInt(Math.round(multiplier * 1e6)) * BigInt(count) * BigInt(p) * BigInt(1_000_000 - p);
          const d = 10n ** 18n * unit;
          const expected = n === 0n ? 0n : ((n + d - 1n) / d) * unit;
          expect(orderFee(s, role, p, count)).toBe(Number(expected));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('the decision bound covers the rounded fee per contract and never falls as orders shrink', () => {
    fc.assert(
      fc.property(
        arbSchedule,
        arbPrice,
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        (s, p, c1, c2) => {
          for (const role of ['maker', 'taker'] as const) {
            expect(feeBoundPerContract(s, role, p, c1)).toBeGreaterThanOrEqual(
              feePerContract(s, role, p, c1),
            );
            const [lo, hi] = c1 <= c2 ? [c1, c2] : [c2, c1];
            expect(feeBoundPerContract(s, role, p, lo)).toBeGreaterThanOrEqual(
              feeBoundPerContract(s, role, p, hi),
            );
          }
        },
      ),
      { numRuns: 1_000 },
    );
    // 10 contracts at 50¢, 0.0175: exact 0.4375¢ + 1¢/10 = 0.5375¢ → 5 375 Micros (actual: $0.05/10 = 5 000)
    const maker = FeeScheduleSchema.parse({ feeType: 'quadratic_with_maker_fees' });
    expect(feeBoundPerContract(maker, 'maker', 500_000, 1_000)).toBe(5_375);
    expect(feeBoundPerContract(QUADRATIC_FEES, 'maker', 500_000, 1_000)).toBe(0);
  });
});
