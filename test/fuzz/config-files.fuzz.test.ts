/**
 * Fuzz: scenario files, engine config files and the worker's environment —
 * every file-or-env input a user or a deploy hands the programs. Mutations of
 * the shipped files, arbitrary JSON and broken text: the loader either returns
 * a value or throws its own error type naming the field; never a TypeError,
 * never a secret value in the message. A scenario that validates also builds
 * its world (the simulator can run what the validator lets through).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadEngineConfig } from '../../scripts/paper/config-file.ts';
import { UsageError } from '../../scripts/paper/options.ts';
import { ConfigError, parseEngineConfig } from '../../shared/config/engine-config.ts';
import { loadScenario, ScenarioError } from '../../sim/scenario/schema.ts';
import { buildWorld } from '../../sim/scenario/world.ts';
import { parseWorkerEnv, WorkerEnvError } from '../../worker/config.ts';
import { type Json, mutated, recordCases } from './support.ts';

const dir = mkdtempSync(join(tmpdir(), 'kalshi-mm-fuzz-files-'));
let cases = 0;
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  recordCases('config-files', cases);
});

const scenarioDir = join(import.meta.dirname, '../../sim/scenarios');
const SCENARIOS: Json[] = readdirSync(scenarioDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(scenarioDir, f), 'utf8')) as Json);

const fileText = (seeds: Json[]) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.oneof(...seeds.map((s) => mutated(s))).map((v) => JSON.stringify(v) ?? '') },
    { weight: 1, arbitrary: fc.json() },
    { weight: 1, arbitrary: fc.string({ maxLength: 100 }) },
  );

let n = 0;
const write = (text: string) => {
  const p = join(dir, `f${n++}.json`);
  writeFileSync(p, text);
  return p;
};

describe('scenario files (fuzz)', () => {
  // Every scenario that loads builds its world (~0.1 s each): 32 s at load 30, past vitest's 30 s.
  it('load or fail with a ScenarioError; what loads also builds its world', () => {
    fc.assert(
      fc.property(fileText(SCENARIOS), (text) => {
        cases++;
        const path = write(text);
        let scenario: ReturnType<typeof loadScenario>;
        try {
          scenario = loadScenario(path);
        } catch (err) {
          expect(err, String(err)).toBeInstanceOf(ScenarioError);
          return;
        }
        const world = buildWorld(scenario, { seed: scenario.seed, startMs: Date.UTC(2026, 0, 20, 23) });
        expect(world.games.length).toBe(scenario.games.length);
        for (const g of world.games) for (const m of g.markets) expect(m.ticker).toMatch(/^[A-Z0-9-]+$/);
      }),
      { numRuns: 1500 },
    );
  }, 90_000);
});

describe('engine config (fuzz)', () => {
  const DEFAULT = JSON.parse(JSON.stringify(parseEngineConfig({}))) as Json;
  it('parseEngineConfig returns a config or throws ConfigError naming the field', () => {
    fc.assert(
      fc.property(fc.oneof(mutated(DEFAULT), fc.anything()), (input) => {
        cases++;
        try {
          const c = parseEngineConfig(input);
          expect(c.stopMarginMs).toBeGreaterThanOrEqual(0);
        } catch (err) {
          expect(err, String(err)).toBeInstanceOf(ConfigError);
          expect((err as Error).message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('--config files load or fail with a UsageError', () => {
    fc.assert(
      fc.property(fileText([DEFAULT, {}]), (text) => {
        cases++;
        try {
          loadEngineConfig(write(text));
        } catch (err) {
          expect(err, String(err)).toBeInstanceOf(UsageError);
        }
      }),
      { numRuns: 800 },
    );
  });
});

describe('worker environment (fuzz)', () => {
  const VALID: Record<string, string> = {
    KALSHI_ENV: 'demo',
    KALSHI_KEY_ID: 'a952bcbe-ec3b-4b5b-b8f9-11dae589608c',
    KALSHI_PRIVATE_KEY_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:kalshi-AbCdEf',
    TABLE_NAME: 'kalshi-mm',
    SHARD_ID: '0',
    ENGINE_CONFIG: '{}',
  };
  const envArb = fc
    .tuple(
      fc.subarray(Object.keys(VALID)),
      fc.dictionary(
        fc.constantFrom(
          ...Object.keys(VALID),
          'KALSHI_REST_URL',
          'KALSHI_WS_URL',
          'DYNAMODB_ENDPOINT',
          'KALSHI_PRIVATE_KEY_FILE',
        ),
        fc.oneof(
          fc.string({ maxLength: 40 }),
          fc.constantFrom('{"kill":{"maxDrift":-1}}', 'http://x', 'ftp://x', '{bad json'),
        ),
        { maxKeys: 3 },
      ),
    )
    .map(([keep, extra]) => ({ ...Object.fromEntries(keep.map((k) => [k, VALID[k]!])), ...extra }));
  it('parses or throws WorkerEnvError naming the variable, never echoing a secret-bearing value', () => {
    fc.assert(
      fc.property(envArb, (env) => {
        cases++;
        try {
          parseWorkerEnv(env, () => '{}');
        } catch (err) {
          expect(err, String(err)).toBeInstanceOf(WorkerEnvError);
          const msg = (err as Error).message;
          for (const k of ['KALSHI_KEY_ID', 'KALSHI_PRIVATE_KEY_SECRET_ARN'])
            if ((env[k]?.length ?? 0) >= 12) expect(msg).not.toContain(env[k]);
        }
      }),
      { numRuns: 1500 },
    );
  });
});
