/**
 * The exchange simulator's seeded ids: version-4-shaped UUIDs that depend only
 * on the seed — the same stream, digit for digit, as the original formula
 * (join the 32 drawn digits, then set the version and variant), so a faster
 * build of the string changes no run.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeededRng } from '../../../sim/kalshi/rng.ts';

/** The original formula, kept as the reference. */
function referenceUuid(rng: SeededRng): string {
  const hex: string[] = [];
  for (let i = 0; i < 32; i++) hex.push(Math.floor(rng.next() * 16).toString(16));
  hex[12] = '4';
  hex[16] = ((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

describe('SeededRng.uuid', () => {
  it('gives the reference formula’s ids, in the same stream, for any seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 1, max: 20 }), (seed, n) => {
        const a = new SeededRng(seed);
        const b = new SeededRng(seed);
        for (let i = 0; i < n; i++) expect(a.uuid()).toBe(referenceUuid(b));
        expect(a.next()).toBe(b.next()); // the same number of draws per id
      }),
    );
  });

  it('is version-4 shaped', () => {
    const id = new SeededRng(7).uuid();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
