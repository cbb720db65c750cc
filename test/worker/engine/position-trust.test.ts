import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  afterPass,
  initialTrust,
  type OwedTrust,
  type TrustState,
  trusted,
} from '../../../worker/engine/position-trust.ts';

const TICKERS = ['A', 'B', 'C', 'D'];
const tickers = fc.uniqueArray(fc.constantFrom(...TICKERS));
const pass = fc.record({ trusted: fc.boolean(), deferred: tickers, corrected: tickers });
const state: fc.Arbitrary<TrustState> = fc.record({
  loaded: fc.boolean(),
  owed: fc
    .array(fc.tuple(fc.constantFrom(...TICKERS), fc.constantFrom<OwedTrust>('load', 'gap')))
    .map((e) => new Map(e)),
});

describe('position trust', () => {
  it('start-up: the first trusted pass loads positions; what it defers is owed as a load', () => {
    const first = afterPass(initialTrust, { trusted: true, deferred: ['B'], corrected: ['A'] });
    expect(first.loads).toEqual(new Set(['A']));
    expect([...first.state.owed]).toEqual([['B', 'load']]);
    expect(trusted(first.state, false, 'B')).toBe(true);
    expect(trusted(first.state, false, 'A')).toBe(false);
    // The owed correction comes on a later, untrusted pass: still a load, not drift; the market is settled.
    const second = afterPass(first.state, { trusted: false, deferred: [], corrected: ['B'] });
    expect(second.loads).toEqual(new Set(['B']));
    expect(second.settled).toEqual(['B']);
    expect(second.state.owed.size).toBe(0);
  });

  it('after a feed gap: a deferred trusted correction is owed as gap, and its correction is drift', () => {
    const loaded: TrustState = { loaded: true, owed: new Map() };
    const gap = afterPass(loaded, { trusted: true, deferred: ['A'], corrected: [] });
    expect([...gap.state.owed]).toEqual([['A', 'gap']]);
    const later = afterPass(gap.state, { trusted: false, deferred: [], corrected: ['A'] });
    expect(later.loads.size).toBe(0);
    expect(later.settled).toEqual(['A']);
  });

  it('property: an untrusted pass never creates a debt, and a debt keeps its kind while deferred', () => {
    fc.assert(
      fc.property(state, pass, (s, p) => {
        const u = afterPass(s, p);
        expect(u.state.loaded).toBe(true);
        for (const [t, kind] of u.state.owed) {
          expect(p.deferred).toContain(t);
          if (s.owed.has(t)) expect(kind).toBe(s.owed.get(t));
          else expect(p.trusted).toBe(true);
        }
        if (!p.trusted) for (const t of u.state.owed.keys()) expect(s.owed.has(t)).toBe(true);
      }),
    );
  });

  it('property: settled = owed before and not deferred now; loads are corrections of the first pass or owed loads', () => {
    fc.assert(
      fc.property(state, pass, (s, p) => {
        const u = afterPass(s, p);
        expect(new Set(u.settled)).toEqual(
          new Set([...s.owed.keys()].filter((t) => !p.deferred.includes(t))),
        );
        for (const t of p.corrected) expect(u.loads.has(t)).toBe(!s.loaded || s.owed.get(t) === 'load');
        for (const t of u.loads) expect(p.corrected).toContain(t);
      }),
    );
  });

  it('property: a pass trusts a market iff it was asked to trust or the market is owed', () => {
    fc.assert(
      fc.property(state, fc.boolean(), fc.constantFrom(...TICKERS), (s, t, ticker) => {
        expect(trusted(s, t, ticker)).toBe(t || s.owed.has(ticker));
      }),
    );
  });
});
