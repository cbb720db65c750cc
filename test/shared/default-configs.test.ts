/**
 * The defaults the odds Lambdas import are plain literals, not a zod parse at import (issue #16: module
 * init), and the schemas only the ladder path reads are built on first use. These specs keep each literal
 * equal to what its schema makes of it, so a default changed in one place and not the other fails here, and
 * keep importing the odds Lambdas from building the ladder schemas.
 */
import { describe, expect, it } from 'vitest';
import { killEnvSchema, oddsEnvSchema } from '../../functions/runtime/env.ts';
import {
  DEFAULT_SPORT_CATALOGUE,
  SportCatalogueSchema,
  SportEntrySchema,
} from '../../shared/mapping/sports.ts';
import { DEFAULT_THEO_CONFIG, TheoConfigSchema } from '../../shared/odds/aggregate.ts';
import {
  DEFAULT_STRIKE_THEO_CONFIG,
  SportShapeSchema,
  StrikeTheoConfigSchema,
} from '../../shared/pricing/strike-config.ts';
import { strikeTheoRecordSchema } from '../../shared/pricing/strike-record.ts';

/** Whether a `z.lazy` schema has built its inner schema yet (zod caches it on the definition). */
const built = (schema: unknown) =>
  (schema as { _zod: { def: { _cachedInner?: unknown } } })._zod.def._cachedInner !== undefined;

describe('default configs', () => {
  it('importing the Lambdas builds none of the schemas their first invocation may not need', async () => {
    await import('../../functions/odds-poll.ts');
    await import('../../functions/odds-refresh.ts');
    await import('../../functions/kill-switch.ts');
    // Only the ladder path reads these.
    expect(built(strikeTheoRecordSchema)).toBe(false);
    expect(built(StrikeTheoConfigSchema)).toBe(false);
    expect(built(SportShapeSchema)).toBe(false);
    // No Lambda parses these (the defaults are literals); the worker's engine config does.
    expect(built(TheoConfigSchema)).toBe(false);
    expect(built(SportCatalogueSchema)).toBe(false);
    expect(built(SportEntrySchema)).toBe(false);
    // Each handler parses its own environment on its first invocation, never the other's.
    expect(built(oddsEnvSchema)).toBe(false);
    expect(built(killEnvSchema)).toBe(false);
    // The probe itself: a parse builds it (so a zod upgrade that moves the cache fails here, not silently).
    expect(StrikeTheoConfigSchema.safeParse({}).success).toBe(true);
    expect(built(StrikeTheoConfigSchema)).toBe(true);
  });

  it('DEFAULT_STRIKE_THEO_CONFIG is StrikeTheoConfigSchema.parse({})', () => {
    expect(DEFAULT_STRIKE_THEO_CONFIG).toEqual(StrikeTheoConfigSchema.parse({}));
  });

  it('DEFAULT_THEO_CONFIG is TheoConfigSchema.parse({})', () => {
    expect(DEFAULT_THEO_CONFIG).toEqual(TheoConfigSchema.parse({}));
  });

  it('DEFAULT_SPORT_CATALOGUE is valid and already complete: parsing it changes nothing', () => {
    expect(SportCatalogueSchema.parse(DEFAULT_SPORT_CATALOGUE)).toEqual(DEFAULT_SPORT_CATALOGUE);
    expect(DEFAULT_SPORT_CATALOGUE.some((e) => e.mayVoid)).toBe(true);
    expect(DEFAULT_SPORT_CATALOGUE.some((e) => !e.mayVoid)).toBe(true);
  });

  it('the lazily built strike schemas refuse bad input as before, with the same issues', () => {
    const shape = StrikeTheoConfigSchema.safeParse({
      sports: { x: { marginSd: -1, totalSd: 1, noTies: true } },
    });
    expect(shape.success).toBe(false);
    expect(shape.error?.issues.map((i) => [i.path.join('.'), i.code])).toEqual([
      ['sports.x.marginSd', 'too_small'],
    ]);
    const record = strikeTheoRecordSchema.safeParse({ eventId: '' });
    expect(record.success).toBe(false);
    expect(record.error?.issues.map((i) => i.path.join('.'))).toContain('eventId');
    expect(record.error?.issues.map((i) => i.path.join('.'))).toContain('margin');
  });
});
