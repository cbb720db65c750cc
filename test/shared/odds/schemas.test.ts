import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  describeZodError,
  ErrorBodySchema,
  EventOddsSchema,
  EventsResponseSchema,
  OddsResponseSchema,
  oddsTimeToMs,
  parseOddsResponseLenient,
  parseQuota,
  QuotaHeadersSchema,
  ScoresResponseSchema,
  SportsResponseSchema,
} from '../../../shared/odds/schemas.ts';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../fixtures/odds/${name}`, import.meta.url), 'utf8'));

const clone = <T>(v: T): T => structuredClone(v);

describe('Odds API schemas: every reference sample parses', () => {
  it('sports list', () => {
    const sports = SportsResponseSchema.parse(fixture('sports.json'));
    expect(sports.find((s) => s.key === 'basketball_nba')).toMatchObject({
      active: true,
      has_outrights: false,
    });
    expect(sports.some((s) => s.has_outrights)).toBe(true);
  });

  it('events (no bookmakers)', () => {
    const events = EventsResponseSchema.parse(fixture('basketball_nba_events.json'));
    expect(events.length).toBeGreaterThan(0);
    expect(events[0]).toMatchObject({ sport_key: 'basketball_nba', home_team: 'Boston Celtics' });
  });

  it('odds, decimal, h2h + spreads + totals with points', () => {
    const odds = OddsResponseSchema.parse(fixture('basketball_nba_odds_h2h_spreads_totals_decimal.json'));
    expect(odds).toHaveLength(6);
    const spreads = odds[0]!.bookmakers[0]!.markets.find((m) => m.key === 'spreads')!;
    expect(spreads.outcomes[0]!.point).toBe(-9);
  });

  it('odds, American integers', () => {
    const odds = OddsResponseSchema.parse(fixture('basketball_nba_odds_h2h_american.json'));
    const prices = odds.flatMap((e) => e.bookmakers.flatMap((b) => b.markets.flatMap((m) => m.outcomes)));
    expect(prices.every((o) => Number.isInteger(o.price) && Math.abs(o.price) >= 100)).toBe(true);
  });

  it('soccer 3-way with Draw and an exchange h2h_lay market', () => {
    const odds = OddsResponseSchema.parse(fixture('soccer_epl_odds_h2h_decimal.json'));
    const h2h = odds[0]!.bookmakers[0]!.markets[0]!;
    expect(h2h.outcomes.map((o) => o.name)).toContain('Draw');
    expect(odds.some((e) => e.bookmakers.some((b) => b.markets.some((m) => m.key === 'h2h_lay')))).toBe(true);
  });

  it('per-event odds is one object, bookmaker stamp may be absent, props carry description', () => {
    const ev = EventOddsSchema.parse(fixture('basketball_nba_event_odds.json'));
    expect(ev.bookmakers[0]!.last_update).toBeUndefined();
    expect(ev.bookmakers[0]!.markets[0]!.last_update).toBeDefined();
    const props = ev.bookmakers.flatMap((b) => b.markets).filter((m) => m.key === 'player_points');
    expect(props.some((m) => m.outcomes.some((o) => typeof o.description === 'string'))).toBe(true);
  });

  it('scores: null before start, string scores after', () => {
    const scores = ScoresResponseSchema.parse(fixture('basketball_nba_scores.json'));
    expect(scores[0]!.scores![0]!.score).toBe('118');
    expect(scores[1]!.scores).toBeNull();
  });

  it.each([
    ['error_401_invalid_key.json', 'INVALID_KEY'],
    ['error_401_missing_key.json', 'MISSING_KEY'],
    ['error_401_out_of_usage_credits.json', 'OUT_OF_USAGE_CREDITS'],
    ['error_404_unknown_sport.json', 'UNKNOWN_SPORT'],
    ['error_422_invalid_market.json', 'INVALID_MARKET'],
    ['error_429_exceeded_freq_limit.json', 'EXCEEDED_FREQ_LIMIT'],
  ])('error body %s', (file, code) => {
    expect(ErrorBodySchema.parse(fixture(file)).error_code).toBe(code);
  });
});

describe('Odds API schemas: tolerance and rejection', () => {
  const base = () => clone(fixture('basketball_nba_odds_h2h_american.json')) as Record<string, unknown>[];

  it('tolerates unknown extra fields (include* flags) and strips them', () => {
    const body = base();
    const ev = body[0] as Record<string, unknown> & { bookmakers: Record<string, unknown>[] };
    ev.home_rotation = 501;
    ev.bookmakers[0]!.link = 'https://example.invalid/x';
    const parsed = OddsResponseSchema.parse(body);
    expect(parsed[0]).not.toHaveProperty('home_rotation');
  });

  it('accepts dateFormat=unix epoch seconds', () => {
    const body = base();
    body[0]!.commence_time = 1_768_956_000;
    const parsed = OddsResponseSchema.parse(body);
    expect(oddsTimeToMs(parsed[0]!.commence_time)).toBe(1_768_956_000_000);
    expect(oddsTimeToMs('2026-01-21T00:40:00Z')).toBe(Date.UTC(2026, 0, 21, 0, 40));
  });

  it('rejects a missing field and names it', () => {
    const body = base();
    delete body[1]!.home_team;
    const r = OddsResponseSchema.safeParse(body);
    expect(r.success).toBe(false);
    if (!r.success) expect(describeZodError(r.error)).toMatch(/^\[1\]\.home_team: /);
  });

  it('rejects a wrong type deep inside and names the path', () => {
    const body = base() as { bookmakers: { markets: { outcomes: { price: unknown }[] }[] }[] }[];
    body[0]!.bookmakers[2]!.markets[0]!.outcomes[1]!.price = '-110';
    const r = OddsResponseSchema.safeParse(body);
    expect(r.success).toBe(false);
    if (!r.success) {
      expect(describeZodError(r.error)).toMatch(
        /^\[0\]\.bookmakers\[2\]\.markets\[0\]\.outcomes\[1\]\.price: /,
      );
    }
  });

  it('rejects a malformed timestamp', () => {
    const body = base();
    body[0]!.commence_time = 'tomorrow';
    const r = OddsResponseSchema.safeParse(body);
    expect(r.success).toBe(false);
    if (!r.success) {
      expect(describeZodError(r.error)).toBe('[0].commence_time: Invalid ISO datetime');
    }
  });

  it('a time of the wrong type says what is expected', () => {
    const body = base();
    body[0]!.commence_time = true;
    const r = OddsResponseSchema.safeParse(body);
    expect(r.success).toBe(false);
    if (!r.success) {
      expect(describeZodError(r.error)).toBe(
        '[0].commence_time: expected an ISO 8601 date-time or epoch seconds',
      );
    }
  });

  it('lenient parse keeps good events and reports each bad one by index and id', () => {
    const body = base();
    body[0]!.away_team = 42;
    const r = parseOddsResponseLenient(body);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.events).toHaveLength(body.length - 1);
    expect(r.value.rejected).toEqual([
      { index: 0, id: body[0]!.id, error: expect.stringMatching(/^event \[0\]: away_team: /) },
    ]);
    expect(parseOddsResponseLenient({ message: 'x' })).toEqual({
      ok: false,
      error: expect.stringMatching(/expected an array/),
    });
  });

  it('error body without error_code is rejected', () => {
    expect(ErrorBodySchema.safeParse({ message: 'x' }).success).toBe(false);
  });
});

describe('quota headers', () => {
  it('reads the three headers case-insensitively from Headers and plain records', () => {
    const h = new Headers({
      'X-Requests-Remaining': '19409',
      'x-requests-used': '591',
      'x-requests-last': '3',
    });
    expect(parseQuota(h)).toEqual({ remaining: 19409, used: 591, last: 3 });
    expect(parseQuota({ 'X-REQUESTS-REMAINING': ['12'], 'x-requests-used': '1.5' })).toEqual({
      remaining: 12,
      used: 1.5,
      last: null,
    });
  });

  it("property: each value reads as the schema's (QuotaHeadersSchema) reading of it, whitespace and junk included", () => {
    const digits = fc.stringMatching(/^[0-9]{1,6}(\.[0-9]{1,3})?$/);
    const raw = fc.oneof(
      digits,
      fc
        .tuple(fc.constantFrom('', ' ', '\t', '  '), digits, fc.constantFrom('', ' ', '\n'))
        .map((p) => p.join('')),
      fc.string({ maxLength: 8 }),
      fc.constantFrom('-1', '1e3', '.5', '5.', '0x10', '１２', '', ' '),
    );
    fc.assert(
      fc.property(raw, (v) => {
        const ref = QuotaHeadersSchema.safeParse({ 'x-requests-used': v });
        const want =
          ref.success && ref.data['x-requests-used'] !== undefined
            ? Number(ref.data['x-requests-used'])
            : null;
        expect(parseQuota({ 'x-requests-used': v }).used).toBe(want);
      }),
    );
  });

  it('absent or malformed values read as null, never throw', () => {
    expect(parseQuota({})).toEqual({ remaining: null, used: null, last: null });
    expect(parseQuota({ 'x-requests-remaining': 'lots', 'x-requests-last': '-1' })).toEqual({
      remaining: null,
      used: null,
      last: null,
    });
  });
});
