import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DayDrawdownState,
  DayDrawdownTracker,
  type DayObservation,
  type DayPnlRecord,
  observeDay,
  resumeDay,
  TRADING_DAY_START_UTC_HOUR,
  tradingDay,
} from '../../../worker/engine/day-drawdown.ts';
import { drain, recordingLog, recordingMetrics } from './support.ts';

const T0 = Date.UTC(2026, 10, 25, 18, 0, 0);
const HOUR = 3_600_000;

/** Heartbeats: time since the previous one, realised since the previous one, marked PnL now (Micros). */
const beats = fc.array(
  fc.record({
    dtMs: fc.integer({ min: 1, max: 9 * HOUR }),
    realisedDelta: fc.integer({ min: -5_000_000, max: 5_000_000 }),
    marked: fc.integer({ min: -5_000_000, max: 5_000_000 }),
  }),
  { minLength: 1, maxLength: 40 },
);
type Beat = { dtMs: number; realisedDelta: number; marked: number };

interface Step {
  atMs: number;
  /** The process's own cumulative realised PnL. */
  sessionRealised: number;
  marked: number;
}

function timeline(start: number, bs: Beat[]): Step[] {
  let t = start;
  let r = 0;
  return bs.map((b) => {
    t += b.dtMs;
    r += b.realisedDelta;
    return { atMs: t, sessionRealised: r, marked: b.marked };
  });
}

function run(state: DayDrawdownState, steps: Step[], realisedBase = 0): DayObservation[] {
  const out: DayObservation[] = [];
  let s = state;
  for (const st of steps) {
    const o = observeDay(s, tradingDay(st.atMs), st.sessionRealised - realisedBase, st.marked);
    out.push(o);
    s = o.state;
  }
  return out;
}

describe('trading day', () => {
  it('starts at 10:00 UTC: an evening slate past midnight UTC is one day', () => {
    expect(TRADING_DAY_START_UTC_HOUR).toBe(10);
    expect(tradingDay(Date.UTC(2026, 10, 25, 23, 30))).toBe('2026-11-25');
    expect(tradingDay(Date.UTC(2026, 10, 26, 6, 0))).toBe('2026-11-25');
    expect(tradingDay(Date.UTC(2026, 10, 26, 9, 59, 59, 999))).toBe('2026-11-25');
    expect(tradingDay(Date.UTC(2026, 10, 26, 10, 0))).toBe('2026-11-26');
  });
});

describe('day drawdown', () => {
  it("is ≥ 0, 0 at the first heartbeat of each day, and measured from the day's peak", () => {
    fc.assert(
      fc.property(beats, (bs) => {
        const steps = timeline(T0, bs);
        const obs = run(resumeDay(null, tradingDay(T0)), steps);
        let peak = Number.NEGATIVE_INFINITY;
        obs.forEach((o, i) => {
          expect(o.drawdown).toBeGreaterThanOrEqual(0);
          const total = o.record.realised + steps[i]!.marked;
          const newDay = i === 0 || o.record.day !== obs[i - 1]!.record.day;
          if (newDay) peak = Number.NEGATIVE_INFINITY;
          peak = Math.max(peak, total);
          expect(o.record.peak).toBe(peak);
          expect(o.drawdown).toBe(peak - total);
          if (newDay) expect(o.drawdown).toBe(0);
        });
      }),
    );
  });

  it("within a day, rises only when the day's PnL falls and falls only when it recovers", () => {
    fc.assert(
      fc.property(beats, (bs) => {
        const steps = timeline(T0, bs);
        const obs = run(resumeDay(null, tradingDay(T0)), steps);
        for (let i = 1; i < obs.length; i++) {
          const a = obs[i - 1]!;
          const b = obs[i]!;
          if (a.record.day !== b.record.day) continue;
          const ta = a.record.realised + steps[i - 1]!.marked;
          const tb = b.record.realised + steps[i]!.marked;
          if (b.drawdown > a.drawdown) expect(tb).toBeLessThan(ta);
          if (b.drawdown < a.drawdown) expect(tb).toBeGreaterThan(ta);
        }
      }),
    );
  });

  it("the day's realised PnL is everything realised since its first heartbeat's predecessor", () => {
    fc.assert(
      fc.property(beats, (bs) => {
        const steps = timeline(T0, bs);
        const obs = run(resumeDay(null, tradingDay(T0)), steps);
        let dayStartRealised = 0;
        obs.forEach((o, i) => {
          if (i > 0 && o.record.day !== obs[i - 1]!.record.day)
            dayStartRealised = steps[i - 1]!.sessionRealised;
          expect(o.record.realised).toBe(steps[i]!.sessionRealised - dayStartRealised);
        });
      }),
    );
  });

  it('a restart resumed from the stored record reports exactly what an uninterrupted process would', () => {
    fc.assert(
      fc.property(beats, fc.nat(), (bs, at) => {
        const steps = timeline(T0, bs);
        const k = at % steps.length; // the process dies right after heartbeat k (its record stored)
        const whole = run(resumeDay(null, tradingDay(T0)), steps);
        const before = run(resumeDay(null, tradingDay(T0)), steps.slice(0, k + 1));
        const stored = before[k]!.record;
        // The new process starts with zero realised of its own; it resumes on the day it starts.
        const after = run(
          resumeDay(stored, tradingDay(steps[k]!.atMs)),
          steps.slice(k + 1),
          steps[k]!.sessionRealised,
        );
        expect([...before, ...after].map((o) => [o.drawdown, o.record])).toEqual(
          whole.map((o) => [o.drawdown, o.record]),
        );
      }),
    );
  });

  it('ignores a stored record of another day: the peak resets at the boundary', () => {
    const s = resumeDay({ day: '2026-11-24', realised: 9_000_000, peak: 12_000_000 }, '2026-11-25');
    const o = observeDay(s, '2026-11-25', -1_000_000, 0);
    expect(o.drawdown).toBe(0);
    expect(o.record).toEqual({ day: '2026-11-25', realised: -1_000_000, peak: -1_000_000 });
  });
});

/** An in-memory store whose calls the test completes by hand. */
function manualPort(initial: DayPnlRecord | null) {
  let stored = initial;
  const calls: { kind: 'load' | 'save'; record?: DayPnlRecord; settle: (fail?: boolean) => void }[] = [];
  const port = {
    load: (_day: string) =>
      new Promise<DayPnlRecord | null>((resolve, reject) =>
        calls.push({
          kind: 'load',
          settle: (fail) => (fail ? reject(new Error('throttled')) : resolve(stored)),
        }),
      ),
    save: (record: DayPnlRecord) =>
      new Promise<void>((resolve, reject) =>
        calls.push({
          kind: 'save',
          record,
          settle: (fail) => {
            if (fail) return reject(new Error('throttled'));
            stored = record;
            resolve();
          },
        }),
      ),
  };
  return { port, calls, stored: () => stored };
}

describe('DayDrawdownTracker', () => {
  const day = tradingDay(T0);

  it('never writes before the stored day has been read: a failed start-up read cannot reset the peak', async () => {
    const m = manualPort({ day, realised: 1_000_000, peak: 3_000_000 });
    const t = new DayDrawdownTracker(m.port, recordingLog(), recordingMetrics());
    const loading = t.load(T0);
    m.calls[0]!.settle(true);
    await loading;
    // Unread: this process's own peak, as before, and no write.
    expect(t.observe(T0 + 10_000, 500_000, 0)).toBe(0);
    const retry = t.sync(T0 + 10_000);
    expect(m.calls.map((c) => c.kind)).toEqual(['load', 'load']);
    m.calls[1]!.settle();
    await retry;
    // Read: the day's $1 realised is added, and its $3 peak holds.
    expect(t.observe(T0 + 20_000, 500_000, 0)).toBe(1_500_000);
    const saving = t.sync(T0 + 20_000);
    m.calls[2]!.settle();
    await saving;
    expect(m.stored()).toEqual({ day, realised: 1_500_000, peak: 3_000_000 });
  });

  it('one store call at a time; shutdown stores the last observation after the write in flight', async () => {
    const m = manualPort(null);
    const t = new DayDrawdownTracker(m.port, recordingLog(), recordingMetrics());
    const loading = t.load(T0);
    m.calls[0]!.settle();
    await loading;
    t.observe(T0 + 10_000, 2_000_000, 0);
    const first = t.sync(T0 + 10_000);
    t.observe(T0 + 20_000, 1_000_000, 0);
    expect(t.sync(T0 + 20_000)).toBeUndefined(); // the first write has not landed: no second in flight
    const flushing = t.flush(T0 + 25_000, 500_000, 0);
    expect(m.calls.map((c) => c.kind)).toEqual(['load', 'save']);
    m.calls[1]!.settle();
    await first;
    await drain();
    expect(m.calls.map((c) => c.kind)).toEqual(['load', 'save', 'save']);
    m.calls[2]!.settle();
    await flushing;
    expect(m.stored()).toEqual({ day, realised: 500_000, peak: 2_000_000 });
  });
});
