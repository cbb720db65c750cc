/**
 * The short, seeded chaos run (CI): the whole system on loopback with the
 * worker in a child process; every simulator fault, a DynamoDB restart, one
 * worker SIGKILL + restart and the kill-switch Lambda, all inside ~45 s. Every
 * invariant is checked against the simulator's ledger and must hold.
 */
import { describe, expect, it } from 'vitest';
import { ALL_FAULT_KINDS, chaosTable, planFaults, readyAfter, runChaos } from '../../scripts/chaos.ts';

describe('chaos plan', () => {
  it('switches every fault kind on at least once and keeps worker kills away from stop times', () => {
    const stop = 300_000;
    const plan = planFaults({
      runMs: 600_000,
      seed: 9,
      workerKills: 3,
      stopTimesMs: [stop],
      leaseTtlMs: 15_000,
    });
    for (const kind of ALL_FAULT_KINDS)
      expect(
        plan.some((f) => f.kind === kind),
        kind,
      ).toBe(true);
    const kills = plan.filter((f) => f.kind === 'local.workerKill');
    expect(kills).toHaveLength(3);
    for (const k of kills) expect(k.atMs <= stop - 30_000 || k.atMs >= stop + 10_000).toBe(true);
    // Same seed, same plan.
    expect(
      planFaults({ runMs: 600_000, seed: 9, workerKills: 3, stopTimesMs: [stop], leaseTtlMs: 15_000 }),
    ).toEqual(plan);
  });
});

describe('chaos liveness windows', () => {
  it("a kill's window ends when its worker, or the one after it if that one crashed first, is ready", () => {
    const ready = new Map([
      [1, 5_000],
      [2, 150_000],
      [4, 292_700], // incarnation 3 crashed in a DynamoDB restart before it was ready
    ]);
    expect(readyAfter(ready, 2)).toBe(150_000);
    expect(readyAfter(ready, 3)).toBe(292_700); // was: no ready for 3, the window ran to the end of the run
    expect(readyAfter(ready, 5)).toBeUndefined();
  });
});

describe('short seeded chaos run', () => {
  it('keeps every invariant through faults, a DynamoDB restart, a worker SIGKILL and the kill switch', async () => {
    const report = await runChaos({
      scenario: 'chaos',
      minutes: 0.75,
      seed: 11,
      leaseTtlMs: 5_000,
      workerKills: 1,
      stopAtFraction: 0.8,
      onProgress: () => {},
    });
    const table = chaosTable(report);
    console.log(table);
    // Every local fault kind happened, and the worker came back after its SIGKILL.
    expect(report.faults['local.workerKill']).toBeGreaterThanOrEqual(1);
    expect(report.faults['local.dynamoRestart']).toBeGreaterThanOrEqual(1);
    expect(report.workerStarts).toBeGreaterThanOrEqual(2);
    for (const kind of ALL_FAULT_KINDS) expect(report.faults[kind] ?? 0, kind).toBeGreaterThanOrEqual(1);
    // Invariants were actually checked, and none was violated.
    expect(report.invariants.limit.checks).toBeGreaterThan(0);
    expect(report.invariants['stop-time'].checks).toBeGreaterThan(0);
    expect(report.invariants.restart.checks).toBeGreaterThanOrEqual(1);
    expect(report.invariants.fills.checks).toBeGreaterThan(0);
    expect(report.invariants.kill.checks).toBeGreaterThan(0);
    expect(report.invariants.secrets.checks).toBeGreaterThan(100);
    expect(report.violations).toEqual([]);
    expect(report.killSwitch.flatAfterMs).not.toBeNull();
    expect(report.killSwitch.flatAfterMs!).toBeLessThanOrEqual(60_000);
    expect(report.makerOrdersPlaced).toBeGreaterThan(0);
  }, 90_000);
});
