/** The send gate: at most `slots` attempts hold a connection, some kept for cancels; waiters served cancels first, FIFO within a priority. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PRIORITY, type Priority } from '../../../shared/kalshi/rate-limiter.ts';
import { SendGate, SendGateClosedError } from '../../../shared/kalshi/send-gate.ts';

const priorities: Priority[] = [PRIORITY.cancel, PRIORITY.write, PRIORITY.create];
const flush = () => new Promise<void>((r) => setImmediate(r));

describe('SendGate', () => {
  it('never lets more than `slots` attempts (nor more than the unreserved slots of others) hold one, hands slots out by priority then arrival, loses none', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 1, max: 4 })
          .chain((slots) => fc.tuple(fc.constant(slots), fc.integer({ min: 0, max: slots - 1 }))),
        fc.array(fc.oneof(fc.constantFrom(...priorities), fc.nat({ max: 7 })), { maxLength: 40 }),
        async ([slots, reserve], ops) => {
          const gate = new SendGate(slots, reserve);
          /** Priorities of the attempts holding a slot. */
          const holding: Priority[] = [];
          let arrivals = 0;
          const waiting: { priority: Priority; n: number }[] = [];
          const granted: { priority: Priority; n: number }[] = [];
          const check = () => {
            expect(holding.length).toBeLessThanOrEqual(slots);
            expect(holding.filter((p) => p !== PRIORITY.cancel).length).toBeLessThanOrEqual(slots - reserve);
            expect(holding.length).toBe(gate.inFlight);
          };
          for (const op of ops) {
            if (typeof op === 'number' && !priorities.includes(op as Priority)) {
              // A leave by the holder at index op (mod the holders).
              if (holding.length === 0) continue;
              const [p] = holding.splice(op % holding.length, 1);
              gate.leave(p!);
            } else {
              const priority = op as Priority;
              const me = { priority, n: arrivals++ };
              const cancelsFree =
                holding.length < slots &&
                !waiting.some((w) => w.priority === PRIORITY.cancel && !granted.includes(w));
              const wait = gate.enter(priority);
              // The reserve's promise: a cancel with a free slot and no cancel ahead never waits.
              if (priority === PRIORITY.cancel && cancelsFree) expect(wait).toBeNull();
              if (wait === null) {
                holding.push(priority);
                check();
                continue;
              }
              waiting.push(me);
              void wait.then(() => {
                holding.push(priority);
                granted.push(me);
              });
            }
            await flush();
            check();
          }
          // Release everything: those still queued get their slots by priority, then arrival.
          const queued = waiting.filter((w) => !granted.includes(w));
          const before = granted.length;
          while (gate.waiting > 0 || holding.length > 0) {
            gate.leave(holding.shift()!);
            await flush();
            check();
          }
          expect(granted.slice(before)).toEqual(
            [...queued].sort((a, b) => a.priority - b.priority || a.n - b.n),
          );
          expect(new Set(granted.map((g) => g.n))).toEqual(new Set(waiting.map((w) => w.n)));
          expect(gate.inFlight).toBe(0);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('creates never take the slots reserved for cancels; a cancel takes one at once while creates wait', () => {
    const gate = new SendGate(3, 1);
    expect(gate.enter(PRIORITY.create)).toBeNull();
    expect(gate.enter(PRIORITY.create)).toBeNull();
    const third = gate.enter(PRIORITY.create);
    expect(third).not.toBeNull();
    expect(gate.enter(PRIORITY.cancel)).toBeNull();
    expect(gate.inFlight).toBe(3);
    expect(gate.waiting).toBe(1);
  });

  it('a cancel that arrives after queued creates is handed the next free slot', async () => {
    const gate = new SendGate(1);
    expect(gate.enter(PRIORITY.create)).toBeNull();
    const order: string[] = [];
    void gate.enter(PRIORITY.create)!.then(() => order.push('create-1'));
    void gate.enter(PRIORITY.create)!.then(() => order.push('create-2'));
    void gate.enter(PRIORITY.write)!.then(() => order.push('amend'));
    void gate.enter(PRIORITY.cancel)!.then(() => order.push('cancel'));
    const held: Priority[] = [PRIORITY.create, PRIORITY.cancel, PRIORITY.write, PRIORITY.create];
    for (const p of held) {
      gate.leave(p);
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
    expect(() => new SendGate(2, 2)).toThrow(RangeError);
    expect(() => new SendGate(2, -1)).toThrow(RangeError);
    expect(() => gate.leave(PRIORITY.cancel)).toThrow(/without a held slot/);
  });
});
