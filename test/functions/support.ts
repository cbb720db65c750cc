/** Local parts for handler tests: recording telemetry and the Odds API simulator on loopback. */
import { readFileSync } from 'node:fs';
import type { Log, MetricSink, Unit } from '../../functions/runtime/telemetry.ts';
import { SteppedClock } from '../../sim/clock.ts';
import { type OddsSim, startOddsSim } from '../../sim/odds/server.ts';
import { parseScenario, type ScenarioInput } from '../../sim/scenario/schema.ts';
import { buildWorld } from '../../sim/scenario/world.ts';

export class RecordingLog implements Log {
  readonly lines: { level: string; message: string; extra?: Record<string, unknown> }[] = [];
  info(message: string, extra?: Record<string, unknown>) {
    this.lines.push({ level: 'info', message, extra });
  }
  warn(message: string, extra?: Record<string, unknown>) {
    this.lines.push({ level: 'warn', message, extra });
  }
  error(message: string, extra?: Record<string, unknown>) {
    this.lines.push({ level: 'error', message, extra });
  }
  text(): string {
    return JSON.stringify(this.lines);
  }
}

export class RecordingMetrics implements MetricSink {
  readonly pending: { name: string; unit: Unit; value: number }[] = [];
  readonly flushed: { name: string; unit: Unit; value: number }[][] = [];
  add(name: string, unit: Unit, value: number) {
    this.pending.push({ name, unit, value });
  }
  flush() {
    this.flushed.push(this.pending.splice(0));
  }
  /** Last flushed value of a metric. */
  last(name: string): number | undefined {
    return this.flushed
      .flat()
      .filter((m) => m.name === name)
      .at(-1)?.value;
  }
  sum(name: string): number {
    return this.flushed
      .flat()
      .filter((m) => m.name === name)
      .reduce((s, m) => s + m.value, 0);
  }
}

export const SIM_ODDS_KEY = 'sim-odds-key-0123456789abcdef';
/** Scenario start: games begin 12+ minutes later. */
export const SIM_START = Date.parse('2026-01-20T23:00:00Z');

export async function startOddsSimulator(quota?: { limit: number; used: number }): Promise<OddsSim> {
  const input = JSON.parse(
    readFileSync(new URL('../../sim/scenarios/nba-quiet-evening.json', import.meta.url), 'utf8'),
  ) as ScenarioInput & { odds?: Record<string, unknown> };
  const scenario = parseScenario({
    ...input,
    start: new Date(SIM_START).toISOString(),
    odds: { ...(input.odds ?? {}), ...(quota ? { quota } : {}) },
  });
  return startOddsSim({
    clock: new SteppedClock(SIM_START),
    world: buildWorld(scenario, { seed: scenario.seed, startMs: SIM_START }),
    apiKey: SIM_ODDS_KEY,
  });
}
