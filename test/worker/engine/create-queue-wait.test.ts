/**
 * A market side's wait for a create starts when it first could have been quoted: its game live (not
 * warming), its market open and the risk gate passing it. The wait orders the game's creates (a side
 * waiting past STARVED_AFTER_MS goes before price-improving amends and holds other games' tokens) and is
 * the CreatesStarved gauge: a side that could not be quoted is neither hurried nor reported as starved.
 */
import { describe, expect, it } from 'vitest';
import {
  CREATE_STARVED_GAUGE_MS,
  CreateQueue,
  STARVED_AFTER_MS,
} from '../../../worker/engine/create-queue.ts';
import type { BookSide } from '../../../worker/engine/ports.ts';
import { A, advance, fill, sessionRig, started } from './session-rig.ts';

const side = (ticker: string, s: BookSide = 'bid') => ({ ticker, side: s });

describe('CreateQueue: a side waits from when it could first be quoted', () => {
  it('a side the risk gate refused (at its limit, its market closed) starts waiting when the gate first passes it', () => {
    const q = new CreateQueue();
    q.wanted('G', [side('A')], 0);
    q.judged('G', 'A', 'bid', true, 0);
    // Refused for a minute: the budget is not what keeps it from an order.
    q.wanted('G', [side('A')], 60_000);
    q.judged('G', 'A', 'bid', true, 60_000);
    expect(q.starved(60_000, CREATE_STARVED_GAUGE_MS)).toBe(0);
    // The market reopens: the gate passes it, the budget has no tokens for it yet.
    q.wanted('G', [side('A')], 61_000);
    q.judged('G', 'A', 'bid', false, 61_000);
    expect(q.starved(61_000, CREATE_STARVED_GAUGE_MS)).toBe(0);
    expect(q.ordered('G', [side('A')], 61_000 + STARVED_AFTER_MS - 1).starved).toEqual([]);
    expect(q.ordered('G', [side('A')], 61_000 + STARVED_AFTER_MS).starved).toEqual([side('A')]);
    expect(q.starved(61_000 + CREATE_STARVED_GAUGE_MS, CREATE_STARVED_GAUGE_MS)).toBe(1);
  });

  it('a game that cannot quote (warming) has no side waiting and no hold; its sides wait afresh once it quotes', () => {
    const q = new CreateQueue();
    q.wanted('G', [side('A'), side('B', 'ask')], 0);
    q.holdFor('G', true, STARVED_AFTER_MS);
    expect(q.heldFor('H', STARVED_AFTER_MS)).toBe('G');
    q.cannotQuote('G');
    expect(q.queued()).toBe(0);
    expect(q.heldFor('H', STARVED_AFTER_MS)).toBeNull();
    q.wanted('G', [side('A'), side('B', 'ask')], 120_000);
    expect(q.starved(120_000 + CREATE_STARVED_GAUGE_MS - 1, CREATE_STARVED_GAUGE_MS)).toBe(0);
    expect(q.starved(120_000 + CREATE_STARVED_GAUGE_MS, CREATE_STARVED_GAUGE_MS)).toBe(2);
  });
});

describe('TradingSession: CreatesStarved counts only sides that could have been quoted', () => {
  it('sides waiting when their game starts warming leave the gauge while it warms, and wait afresh when it quotes', async () => {
    // A long fill lag keeps the game warming while a reconnect's trusted correction is owed.
    const r = await started(sessionRig({ config: { stallAfterMs: 600_000, positionLagMs: 120_000 } }));
    const gauge = (name: string) => r.metrics.gauges.get(name);
    const status = () => r.session.snapshot().games[0]!.status;
    const reconnect = async () => {
      r.ex.emit({ type: 'connection', state: 'down' });
      await r.session.idle();
      r.ex.emit({ type: 'connection', state: 'up' });
      await r.session.idle();
    };
    const books = async (ms: number) => {
      for (let t = 0; t < ms; t += 250) {
        r.ex.emit({ type: 'book', ticker: A });
        await advance(r.clock, 250);
      }
    };
    // The exchange pulls everything and refuses every create (a lasting refusal the gauge does count).
    r.ex.refuseCreates = { code: 'insufficient_balance', message: 'insufficient balance' };
    await reconnect();
    await books(20_000);
    expect(status()).toBe('insufficient-balance');
    expect(gauge('CreatesQueued')).toBe(4);
    expect(gauge('CreatesStarved')).toBe(0); // 20 s: not yet

    // A fill in a feed gap the exchange's snapshot does not agree with yet: the trusted correction is owed,
    // and the game warms (holds, neither quotes nor pulls) for 40 s.
    r.ex.emit(fill('t-gap', A, 'bid', 100));
    r.ex.positions.set(A, 300);
    await reconnect();
    await books(40_000);
    expect(status()).toBe('warming');
    expect(gauge('CreatesQueued')).toBe(0);
    expect(gauge('CreatesStarved')).toBe(0);

    // The snapshot agrees: the game quotes again and its sides, still refused, wait again (from now: the
    // 60 s before are not counted; the queue's own test shows a side waits afresh).
    r.ex.positions.set(A, 100);
    await books(r.config.reconcileMs + r.config.heartbeatMs);
    expect(status()).toBe('insufficient-balance');
    expect(gauge('CreatesQueued')).toBe(4);
    expect(gauge('CreatesStarved')).toBe(0);
    r.session.dispose();
  });

  it('a killed worker has no side waiting: CreatesStarved does not page "the budget is not reaching it" after a kill', async () => {
    const r = await started(sessionRig({ config: { stallAfterMs: 600_000 } }));
    const gauge = (name: string) => r.metrics.gauges.get(name);
    r.ex.refuseCreates = { code: 'insufficient_balance', message: 'insufficient balance' };
    r.ex.emit({ type: 'connection', state: 'down' });
    await r.session.idle();
    r.ex.emit({ type: 'connection', state: 'up' });
    await r.session.idle();
    await advance(r.clock, r.config.heartbeatMs, 250);
    expect(gauge('CreatesQueued')).toBe(4);
    void r.session.killSwitch.trip('flag', 'operator');
    for (let t = 0; t < 60_000; t += 250) {
      r.ex.emit({ type: 'book', ticker: A });
      await advance(r.clock, 250);
    }
    expect(r.session.snapshot().games[0]!.status).toBe('killed');
    expect(gauge('CreatesQueued')).toBe(0);
    expect(gauge('CreatesStarved')).toBe(0);
    r.session.dispose();
  });
});
