/**
 * The benchmark harness's contract (never its speed): the results document
 * has the shape, every figure carries its sample count (none =
 * unmeasured, never met, and the run fails), `figure()` decides `met` from the target and the
 * direction, and the HDR recorder reports percentiles in the unit asked for.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildResults,
  FigureSchema,
  figure,
  Latency,
  machine,
  ResultsSchema,
  unmeasuredErrors,
} from '../../bench/figures.ts';

describe('figure()', () => {
  it('lower is better: met when the value is at or under the target', () => {
    expect(figure('p99', 90, 'us', 100, 'lower', 1000).met).toBe(true);
    expect(figure('p99', 100, 'us', 100, 'lower', 1000).met).toBe(true);
    expect(figure('p99', 101, 'us', 100, 'lower', 1000).met).toBe(false);
  });

  it('higher is better: met when the value is at or over the target', () => {
    expect(figure('ratio', 0.5, 'x', 0.5, 'higher', 1000).met).toBe(true);
    expect(figure('ratio', 0.49, 'x', 0.5, 'higher', 1000).met).toBe(false);
    expect(figure('ratio', 3, 'x', 1.5, 'higher', 1000).met).toBe(true);
  });

  it('no target: met is null', () => {
    const f = figure('rss', 123, 'MB', null, 'lower', 1000);
    expect(f.met).toBeNull();
    expect(f.target).toBeNull();
  });

  it('keeps integers, rounds other values to 4 significant digits, carries the note', () => {
    expect(figure('a', 1234567, 'n', null, 'lower', 1000).value).toBe(1234567);
    expect(figure('a', 0.123456, 'n', null, 'lower', 1000).value).toBe(0.1235);
    expect(figure('a', 1, 'n', null, 'lower', 1000, 'why').note).toBe('why');
    expect('note' in figure('a', 1, 'n', null, 'lower', 1000)).toBe(false);
  });

  it('property: met compares the unrounded value with the target in the stated direction', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e9, max: 1e9, noNaN: true }),
        fc.double({ min: -1e9, max: 1e9, noNaN: true }),
        fc.constantFrom('lower' as const, 'higher' as const),
        (value, target, better) => {
          const f = figure('x', value, 'u', target, better, 1000);
          expect(f.met).toBe(better === 'lower' ? value <= target : value >= target);
          expect(FigureSchema.safeParse(f).success).toBe(true);
        },
      ),
    );
  });
});

describe('results document', () => {
  it('has the issue shape: machine (cores, node), date, figures with name/value/unit/target/better/met', () => {
    const figs = [
      figure('tick_to_quote_decision_p99_500mkts_1k', 80, 'us', 100, 'lower', 1000),
      figure('rss', 300, 'MB', null, 'lower', 1000),
    ];
    const r = buildResults(figs, [], new Date('2026-11-25T04:00:00Z'));
    expect(r.date).toBe('2026-11-25T04:00:00.000Z');
    expect(r.machine.cores).toBeGreaterThan(0);
    expect(r.machine.node).toBe(process.version);
    expect(r.figures).toEqual([
      {
        name: 'tick_to_quote_decision_p99_500mkts_1k',
        value: 80,
        unit: 'us',
        target: 100,
        better: 'lower',
        met: true,
        samples: 1000,
        unmeasured: false,
      },
      {
        name: 'rss',
        value: 300,
        unit: 'MB',
        target: null,
        better: 'lower',
        met: null,
        samples: 1000,
        unmeasured: false,
      },
    ]);
    // Round-trips through JSON unchanged and still validates.
    expect(ResultsSchema.parse(JSON.parse(JSON.stringify(r)))).toEqual(r);
  });

  it('refuses a figure whose met disagrees with having a target, or a non-finite value', () => {
    const base = { machine: machine(), date: new Date().toISOString(), errors: [] };
    const bad = (f: Record<string, unknown>) => ResultsSchema.safeParse({ ...base, figures: [f] }).success;
    const ok = {
      name: 'a',
      value: 1,
      unit: 'ms',
      target: 2,
      better: 'lower',
      met: true,
      samples: 5,
      unmeasured: false,
    };
    expect(bad(ok)).toBe(true);
    expect(bad({ ...ok, met: null })).toBe(false);
    expect(bad({ ...ok, target: null })).toBe(false);
    expect(bad({ ...ok, value: Number.POSITIVE_INFINITY })).toBe(false);
    expect(bad({ ...ok, better: 'sideways' })).toBe(false);
    // no sample count, a met figure without samples, unmeasured disagreeing with the count
    const { samples: _, ...noSamples } = ok;
    expect(bad(noSamples)).toBe(false);
    expect(bad({ ...ok, samples: 0, unmeasured: true })).toBe(false);
    expect(bad({ ...ok, samples: 0, unmeasured: false })).toBe(false);
    expect(bad({ ...ok, samples: 0, unmeasured: true, met: false })).toBe(true);
    expect(() => buildResults([{ ...figure('a', 1, 'ms', 2, 'lower', 1000), met: null }], [])).toThrow();
  });

  it('carries failed benches as errors beside the figures', () => {
    const r = buildResults([], [{ bench: 'lambdas', error: 'esbuild failed' }]);
    expect(r.errors).toEqual([{ bench: 'lambdas', error: 'esbuild failed' }]);
  });
});

describe('samples and baselines', () => {
  it('a figure with no samples is unmeasured, never met — even at 0 µs under a 100 µs bound', () => {
    const empty = new Latency();
    const f = figure(
      'scale_tick_to_quote_decision_p99_10k_markets',
      empty.us(99),
      'us',
      6447,
      'lower',
      empty.count,
    );
    expect(f).toMatchObject({ value: 0, samples: 0, unmeasured: true, met: false });
    expect(figure('rss', 0, 'MB', null, 'lower', 0)).toMatchObject({ unmeasured: true, met: null });
    expect(figure('p', Number.NaN, 'us', 100, 'lower', 10)).toMatchObject({ unmeasured: true, met: false });
    expect(FigureSchema.safeParse(f).success).toBe(true);
  });

  it('property: met only with samples; unmeasured exactly when there are none', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.option(fc.double({ min: 0, max: 1e6, noNaN: true })),
        fc.constantFrom('lower' as const, 'higher' as const),
        fc.nat(1000),
        (value, target, better, samples) => {
          const f = figure('x', value, 'u', target, better, samples);
          expect(f.unmeasured).toBe(samples === 0);
          expect(f.samples).toBe(samples);
          if (samples === 0) expect(f.met).not.toBe(true);
          expect(FigureSchema.safeParse(f).success).toBe(true);
        },
      ),
    );
  });

  it('a baseline carries its own samples and the ratio value ÷ baseline', () => {
    const f = figure('decision_p50', 900, 'us', null, 'lower', 120, undefined, {
      name: 'echo floor decision p50',
      value: 300,
      unit: 'us',
      samples: 150,
    });
    expect(f.baseline).toEqual({
      name: 'echo floor decision p50',
      value: 300,
      unit: 'us',
      samples: 150,
      ratio: 3,
    });
    // No ratio against an unmeasured baseline (or an unmeasured figure).
    const g = figure('x', 900, 'us', null, 'lower', 120, undefined, {
      name: 'b',
      value: 0,
      unit: 'us',
      samples: 0,
    });
    expect(g.baseline?.ratio).toBeNull();
    expect(
      figure('x', 0, 'us', null, 'lower', 0, undefined, { name: 'b', value: 3, unit: 'us', samples: 5 })
        .baseline?.ratio,
    ).toBeNull();
  });

  it('unmeasuredErrors: one error per figure (or baseline) without samples, so the run fails', () => {
    const figs = [
      figure('ok', 1, 'us', 100, 'lower', 10),
      figure('empty', 0, 'us', 100, 'lower', 0),
      figure('floorless', 5, 'us', null, 'lower', 10, undefined, {
        name: 'echo',
        value: 0,
        unit: 'us',
        samples: 0,
      }),
    ];
    expect(unmeasuredErrors('tick-to-quote', figs)).toEqual([
      { bench: 'tick-to-quote', error: 'empty: no samples, unmeasured' },
      { bench: 'tick-to-quote', error: 'floorless: baseline "echo" has no samples, unmeasured' },
    ]);
    expect(unmeasuredErrors('x', [figs[0]!])).toEqual([]);
  });
});

describe('Latency (HDR histogram, nanoseconds in)', () => {
  it('reports percentiles in µs and ms within the histogram precision', () => {
    const lat = new Latency();
    for (let us = 1; us <= 1000; us++) lat.recordNs(us * 1000);
    expect(lat.count).toBe(1000);
    expect(lat.us(50)).toBeGreaterThanOrEqual(499);
    expect(lat.us(50)).toBeLessThanOrEqual(501);
    expect(lat.us(99)).toBeGreaterThanOrEqual(989);
    expect(lat.us(99)).toBeLessThanOrEqual(991);
    expect(lat.ms(100)).toBeCloseTo(1, 2);
  });

  it('accepts bigint durations and never records below 1 ns', () => {
    const lat = new Latency();
    lat.recordNs(2_000_000n);
    lat.recordNs(-5);
    expect(lat.count).toBe(2);
    expect(lat.ms(100)).toBeCloseTo(2, 2);
    expect(lat.us(0)).toBeLessThanOrEqual(0.001);
  });
});
