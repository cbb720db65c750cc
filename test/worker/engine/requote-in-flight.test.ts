/**
 * A requote while some of the game's writes are still in flight: with theo, the
 * others' book and inventory unchanged it writes nothing. Each of our writes
 * moves the public book, and the book delta requotes the game before the write's
 * answer is back; on the backtest's many-game scenarios counting the order in
 * flight on top of its own side's target re-sized every other side back and
 * forth (docs/STRATEGY-RESULTS.md §0b).
 */
import { describe, expect, it } from 'vitest';
import { A, advance, B, c, sessionRig, started } from './session-rig.ts';

describe('requote while a write is in flight', () => {
  it('re-sizes no other side when the game is at its limit (the in-flight order is its own side’s quote)', async () => {
    // Limit 8 contracts, base size 5: bid A + ask B ≤ 8 and bid B + ask A ≤ 8, so every side rests 4.
    const r = await started(sessionRig({ cap: 800 }));
    const sizes = () =>
      r.ex
        .resting()
        .map((o) => `${o.ticker} ${o.side} ${o.remaining}`)
        .sort();
    expect(sizes()).toEqual([`${A} ask 400`, `${A} bid 400`, `${B} ask 400`, `${B} bid 400`]);
    r.ex.hold = true;
    // Someone joins our bid on A: we improve it (one amend), and its answer is held.
    r.ex.setBook(A, [{ price: c(57), size: 1_000 }], [{ price: c(75), size: 1_000 }]);
    await advance(r.clock, 500);
    const before = r.ex.calls.length;
    expect(r.ex.calls.filter((x) => x.startsWith('amend'))).toHaveLength(1);
    // A book delta elsewhere requotes the game while the amend is in flight: nothing to write.
    r.ex.setBook(B, [{ price: c(25), size: 1_000 }], [{ price: c(55), size: 900 }]);
    await advance(r.clock, 500);
    expect(r.ex.calls.slice(before)).toEqual([]);
    r.ex.hold = false;
    r.ex.release();
    await r.session.idle();
    expect(r.ex.calls.slice(before)).toEqual([]);
    expect(sizes()).toEqual([`${A} ask 400`, `${A} bid 400`, `${B} ask 400`, `${B} bid 400`]);
  });
});
