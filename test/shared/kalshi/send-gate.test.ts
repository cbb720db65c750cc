/** The send gate: at most `slots` attempts hold a connection; waiters served cancels first, FIFO within a priority. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PRIORITY, type Priority } from '../../../shared/kalshi/rate-limiter.ts';
import { SendGate, SendGateClosedError } from '../../../shared/kalshi/send-gate.ts';

const priorities: Priority[] = [PRIORITY.cancel, PRIORITY.write, PRIORITY.create];
const flush = () => new Promise<void>((r) => setImmediate(r));

describe('SendGate', () => {
  it('never lets more than `slots` attempts hold a slot, hands slots out by priority then arrival, loses none', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.oneof(fc.constantFrom(...priorities), fc.constant('leave' as const)), { maxLength: 40 }),
        async (slots, ops) => {
          const gate = new SendGate(slots);
          let holding = 0;
          let arrivals = 0;
          const waiting: { priority: Priority; n: number }[] = [];
          const granted: { priority: Priority; n: number }[] = [];
          for (const op of ops) {
            if (op === 'leave') {
              if (holding === 0) continue;
              holding--;
              gate.leave();
            } else {
              const me = { priority: op, n: arrivals++ };
              const wait = gate.enter(op);
              if (wait === null) {
                holding++;
                continue;
              }
              waiting.push(me);
              void wait.then(() => {
                holding++;
                granted.push(me);
              });
            }
            await flush();
            expect(holding).toBeLessThanOrEqual(slots);
            expect(holding).toBe(gate.inFlight);
          }
          // Release everything: those still queued get their slots by priority, then arrival.
          const queued = waiting.filter((w) => !granted.includes(w));
          const before = granted.length;
          while (gate.waiting > 0 || holding > 0) {
            holding--;
            gate.leave();
            await flush();
            expect(holding).toBeLessThanOrEqual(slots);
          }
          expect(granted.slice(before)).toEqual(
            [...queued].sort((a, b) => a.priority - b.priority || a.n - b.n),
          );
          expect(new Set(granted.map((g) => g.n))).toEqual(new Set(waiting.map((w) => w.n)));
          expect(gate.inFlight).toBe(0);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a cancel that arrives after queued creates is handed the next free slot', async () => {
    const gate = new SendGate(1);
    expect(gate.enter(PRIORITY.create)).toBeNull();
    const order: string[] = [];
    void gate.enter(PRIORITY.create)!.then(() => order.push('create-1'));
    void gate.enter(PRIORITY.create)!.then(() => order.push('create-2'));
    void gate.enter(PRIORITY.write)!.then(() => order.push('amend'));
    void gate.enter(PRIORITY.cancel)!.then(() => order.push('cancel'));
    for (let i = 0; i < 4; i++) {
      gate.leave();
      await flush();
    }
    expect(order).toEqual(['cancel', 'amend', 'create-1', 'create-2']);
  });

  it('close refuses waiters and later entries; a bad size is refused', async () => {
    const gate = new SendGate(1);
    gate.enter(PRIORITY.write);
    const waiter = gate.enter(PRIORITY.write);
    gate.close();
    await expect(waiter).rejects.toBeInstanceOf(SendGateClosedError);
    await expect(gate.enter(PRIORITY.cancel)).rejects.toBeInstanceOf(SendGateClosedError);
    expect(() => new SendGate(0)).toThrow(RangeError);
    expect(() => new SendGate(1.5)).toThrow(RangeError);
  });
});
