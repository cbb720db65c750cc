import { describe, expect, it } from 'vitest';
import { FeeScheduleSchema, feePerContract } from '../../../shared/pricing/fees.ts';
import { LINEAR_CENT_GRID } from '../../../shared/pricing/tick-grid.ts';
import { breakEvenActive, breakEvenPrice, reducingSide } from '../../../shared/risk/break-even.ts';

const noFee = () => 0;

describe('break-even ceilings', () => {
  it('turns on at the configured share of the limit', () => {
    expect(breakEvenActive(2_999, 5_000, 0.6)).toBe(false);
    expect(breakEvenActive(3_000, 5_000, 0.6)).toBe(true);
    expect(breakEvenActive(-3_000, 5_000, 0.6)).toBe(true);
    expect(breakEvenActive(0, 5_000, 0)).toBe(false);
    expect(breakEvenActive(100, 0, 0.6)).toBe(false);
    expect(reducingSide(5)).toBe('ask');
    expect(reducingSide(-5)).toBe('bid');
    expect(reducingSide(0)).toBeNull();
  });

  it('long: the ask may come down to the average entry (rounded up to the grid)', () => {
    expect(breakEvenPrice(3_000, 452_000, LINEAR_CENT_GRID, noFee)).toBe(460_000);
    expect(breakEvenPrice(3_000, 450_000, LINEAR_CENT_GRID, noFee)).toBe(450_000);
  });

  it('short: the bid may go up to the average entry (rounded down)', () => {
    expect(breakEvenPrice(-3_000, 457_000, LINEAR_CENT_GRID, noFee)).toBe(450_000);
  });

  it('the exit maker fee is covered', () => {
    // quadratic_with_maker_fees, 10 contracts at 46¢: 0.0175·10·0.46·0.54 = 0.04347 → $0.05 → 0.5¢/contract
    // ask 45¢ − 0.5¢ < 45¢ entry, so the first break-even tick is 46¢
    const fees = FeeScheduleSchema.parse({ feeType: 'quadratic_with_maker_fees' });
    const feeAt = (p: number) => feePerContract(fees, 'maker', p, 1_000);
    expect(breakEvenPrice(3_000, 450_000, LINEAR_CENT_GRID, feeAt)).toBe(460_000);
    expect(breakEvenPrice(3_000, null, LINEAR_CENT_GRID, feeAt)).toBeNull();
  });
});
