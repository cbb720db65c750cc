/**
 * `npm run sim -- --scenario FILE [--kalshi-port N] [--odds-port N] [--speed X]
 *   [--seed S] [--key-id ID --public-key FILE] [--generate-keys DIR] [--odds-api-key KEY]`
 *
 * Starts the Kalshi exchange simulator and the Odds API simulator on loopback,
 * lists the scenario's games and lets its traders act, then prints ONE JSON
 * line with the base URLs when ready. Runner events (games listed, started,
 * determined, faults) go to stderr as JSON lines. Exits cleanly on SIGINT or
 * SIGTERM. `startSimulation()` is the same thing for `npm start` and tests.
 */
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { type CommandIo, defineCommand, runCommand, runIfEntry, UsageError } from '../shared/cli.ts';
import type { Micros } from '../shared/units.ts';
import { ScaledClock, type SimClock, SteppedClock } from './clock.ts';
import { type FaultSettings, type KalshiSim, startKalshiSim } from './kalshi/index.ts';
import { ensureKeyPair, generateKeyPair } from './keys.ts';
import { type OddsSim, startOddsSim } from './odds/server.ts';
import { kalshiFaultSwitch, unknownKalshiFaults } from './scenario/kalshi-faults.ts';
import { hexId } from './scenario/rng.ts';
import { type RunnerEvent, ScenarioRunner } from './scenario/runner.ts';
import {
  loadScenario,
  type Scenario,
  ScenarioError,
  scenarioStartMs,
  zFaultCommand,
} from './scenario/schema.ts';
import { buildWorld, type World } from './scenario/world.ts';

export interface SimulationOptions {
  /** A scenario, a path to one, or the name of a shipped one ("nba-quiet-evening"). */
  scenario: Scenario | string;
  seed?: number;
  /**
   * Scenario-ms per wall-ms (default 1: real time). `'stepped'` runs nothing by
   * itself: the caller advances time with `runner.step(toMs)`.
   */
  speed?: number | 'stepped';
  /** Scenario start (epoch ms); default: the scenario's `start`, else now. */
  startMs?: number;
  host?: string;
  kalshiPort?: number;
  oddsPort?: number;
  /** Register this key for the maker account; without it a key pair is generated in memory. */
  keyId?: string;
  publicKeyPem?: string;
  /** The Odds API key the odds simulator accepts (default: derived from the seed). */
  oddsApiKey?: string;
  /** Cash of the maker account (the API key's user), default $10,000. */
  makerCash?: Micros;
  /** Kalshi faults on from the start (the scenario's own schedule still applies). */
  kalshiFaults?: Partial<FaultSettings>;
  onEvent?: (event: RunnerEvent) => void;
}

export interface ReadyLine {
  ready: true;
  scenario: string;
  seed: number;
  start: string;
  speed: number | 'stepped';
  kalshi: { restBaseUrl: string; wsUrl: string; keyId: string; userId: string };
  odds: { baseUrl: string; apiKey: string };
  games: {
    id: string;
    eventTicker: string;
    oddsEventId: string;
    startTime: string;
    markets: string[];
    /** Spread/total ladder events of the game, when the scenario lists them. */
    ladders?: { kind: 'spread' | 'total'; eventTicker: string; markets: string[] }[];
  }[];
}

export interface Simulation {
  kalshi: KalshiSim;
  odds: OddsSim;
  runner: ScenarioRunner;
  world: World;
  clock: SimClock;
  keyId: string;
  /** Set only when the key pair was generated here (tests, `npm start` without keys). */
  privateKeyPem: string | undefined;
  oddsApiKey: string;
  ready: ReadyLine;
  close(): Promise<void>;
}

export const MAKER_USER = 'maker';
const DEFAULT_MAKER_CASH: Micros = 10_000 * 1_000_000;
const SCENARIO_DIR = join(fileURLToPath(new URL('.', import.meta.url)), 'scenarios');

/** Resolves a scenario argument: a file path, or the name of a shipped scenario. */
export function resolveScenarioPath(arg: string): string {
  if (/[/\\]|\.json$/.test(arg)) return resolve(arg);
  return join(SCENARIO_DIR, `${arg}.json`);
}

export async function startSimulation(opts: SimulationOptions): Promise<Simulation> {
  const scenario =
    typeof opts.scenario === 'string' ? loadScenario(resolveScenarioPath(opts.scenario)) : opts.scenario;
  const unknown = unknownKalshiFaults(
    scenario.faults.filter((f) => f.target === 'kalshi').map((f) => f.name),
  );
  if (unknown.length > 0)
    throw new ScenarioError(`scenario ${scenario.name} names unknown Kalshi faults: ${unknown.join(', ')}`);
  const seed = opts.seed ?? scenario.seed;
  const speed = opts.speed ?? 1;
  if (speed !== 'stepped' && !(speed > 0 && Number.isFinite(speed)))
    throw new RangeError('speed must be a positive number');
  // Without a fixed start, scenario time is wall time (exactly, so paper runs agree with the worker's clock).
  const startMs = opts.startMs ?? (scenario.start ? scenarioStartMs(scenario, 0) : Date.now());
  const clock = speed === 'stepped' ? new SteppedClock(startMs) : new ScaledClock(startMs, speed);
  const world = buildWorld(scenario, { seed, startMs });
  const host = opts.host ?? '127.0.0.1';

  const kalshi = await startKalshiSim({
    host,
    clock,
    seed,
    ...(opts.kalshiPort === undefined ? {} : { port: opts.kalshiPort }),
    ...(opts.kalshiFaults ? { faults: opts.kalshiFaults } : {}),
    // Stepped runs tick the engine from the runner only, so nothing moves between steps.
    ...(speed === 'stepped' ? { tickIntervalMs: 0 } : {}),
  });
  let odds: OddsSim;
  const oddsApiKey = opts.oddsApiKey ?? hexId(seed, 'odds-api-key');
  try {
    odds = await startOddsSim({
      host,
      clock,
      world,
      apiKey: oddsApiKey,
      ...(opts.oddsPort === undefined ? {} : { port: opts.oddsPort }),
    });
  } catch (e) {
    await kalshi.close();
    throw e;
  }

  let keyId = opts.keyId;
  let privateKeyPem: string | undefined;
  let publicKeyPem = opts.publicKeyPem;
  if (publicKeyPem === undefined) {
    const pair = generateKeyPair();
    publicKeyPem = pair.publicKeyPem;
    privateKeyPem = pair.privateKeyPem;
  }
  keyId ??= hexId(seed, 'kalshi-key-id').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
  try {
    kalshi.registerKey(keyId, publicKeyPem, MAKER_USER);
  } catch (e) {
    await Promise.all([kalshi.close(), odds.close()]);
    throw new Error(`cannot register the public key: ${(e as Error).message}`);
  }
  kalshi.admin.deposit(MAKER_USER, opts.makerCash ?? DEFAULT_MAKER_CASH);

  const runner = new ScenarioRunner({
    world,
    exchange: kalshi.admin,
    clock,
    oddsFaults: odds.faults,
    kalshiFaults: kalshiFaultSwitch(kalshi.faults, kalshi.admin),
    ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
  });
  runner.setup();
  if (speed !== 'stepped') runner.start();

  const iso = (ms: number) => new Date(ms).toISOString();
  const ready: ReadyLine = {
    ready: true,
    scenario: scenario.name,
    seed,
    start: iso(startMs),
    speed,
    kalshi: { restBaseUrl: kalshi.restBaseUrl, wsUrl: kalshi.wsUrl, keyId, userId: MAKER_USER },
    odds: { baseUrl: odds.baseUrl, apiKey: oddsApiKey },
    games: world.games.map((g) => ({
      id: g.game.id,
      eventTicker: g.eventTicker,
      oddsEventId: g.oddsEventId,
      startTime: iso(g.path.times.startMs),
      markets: g.markets.map((m) => m.ticker),
      ...(g.ladders
        ? {
            ladders: g.ladders.events.map((e) => ({
              kind: e.kind,
              eventTicker: e.eventTicker,
              markets: e.markets.map((m) => m.ticker),
            })),
          }
        : {}),
    })),
  };
  let closed = false;
  return {
    kalshi,
    odds,
    runner,
    world,
    clock,
    keyId,
    privateKeyPem,
    oddsApiKey,
    ready,
    close: async () => {
      if (closed) return;
      closed = true;
      runner.stop();
      await Promise.all([kalshi.close(), odds.close()]);
    },
  };
}

const zPort = z.coerce
  .number({ message: 'must be an integer' })
  .int('must be an integer')
  .min(0)
  .max(65_535, 'must be ≤ 65535');

export const SIM_COMMAND = defineCommand({
  command: 'npm run sim --',
  summary: 'The Kalshi and Odds API simulators on loopback; prints one JSON ready line with their URLs.',
  options: {
    scenario: {
      type: 'string',
      arg: 'FILE|NAME',
      help: `scenario file, or a shipped one's name (${SCENARIO_DIR})`,
    },
    'kalshi-port': { type: 'string', arg: 'N', help: 'Kalshi simulator port (default any free port)' },
    'odds-port': { type: 'string', arg: 'N', help: 'Odds API simulator port (default any free port)' },
    speed: { type: 'string', arg: 'X', help: 'scenario seconds per wall second (default 1)' },
    seed: { type: 'string', arg: 'S', help: "seed (default: the scenario's)" },
    'key-id': { type: 'string', arg: 'ID', help: 'register this API key id (with --public-key)' },
    'public-key': { type: 'string', arg: 'FILE', help: "the key's public PEM" },
    'generate-keys': {
      type: 'string',
      arg: 'DIR',
      help: 'create (or reuse) a key pair in DIR and register it',
    },
    'odds-api-key': { type: 'string', arg: 'KEY', help: 'the Odds API key the simulator accepts' },
  },
  schema: z
    .object({
      scenario: z.string({ message: 'is required' }).min(1, 'is required'),
      'kalshi-port': zPort.optional(),
      'odds-port': zPort.optional(),
      speed: z.coerce
        .number({ message: 'must be a number' })
        .positive('must be > 0')
        .max(10_000, 'must be ≤ 10000')
        .default(1),
      seed: z.coerce
        .number({ message: 'must be an integer' })
        .int('must be an integer')
        .min(0)
        .max(2 ** 32 - 1)
        .optional(),
      'key-id': z.string().min(1).optional(),
      'public-key': z.string().min(1).optional(),
      'generate-keys': z.string().min(1).optional(),
      'odds-api-key': z.string().min(1).optional(),
    })
    .refine((o) => o['public-key'] === undefined || o['key-id'] !== undefined, {
      message: 'needs --key-id',
      path: ['public-key'],
    })
    .refine(
      (o) => o['key-id'] === undefined || o['public-key'] !== undefined || o['generate-keys'] !== undefined,
      {
        message: 'needs --public-key (or --generate-keys DIR)',
        path: ['key-id'],
      },
    ),
  notes:
    'Run-time faults: one JSON command per stdin line, e.g. {"target":"odds","name":"outage","on":true}.',
});

export function main(argv: readonly string[], io: CommandIo): Promise<number> {
  return runCommand(SIM_COMMAND, argv, io, async (values) => {
    try {
      return await serve(values);
    } catch (e) {
      // A scenario that does not load is a bad --scenario: exit 2, one line.
      if (e instanceof ScenarioError) throw new UsageError('--scenario', e.message);
      throw e;
    }
  });
}

async function serve(values: z.infer<typeof SIM_COMMAND.schema>): Promise<number> {
  const speed = values.speed;
  let keyId = values['key-id'];
  let publicKeyPem: string | undefined;
  let keyFiles: { privateKeyPath: string; publicKeyPath: string } | undefined;
  if (values['generate-keys'] !== undefined) {
    const files = ensureKeyPair(resolve(values['generate-keys']), keyId);
    keyId = files.keyId;
    publicKeyPem = files.publicKeyPem;
    keyFiles = { privateKeyPath: files.privateKeyPath, publicKeyPath: files.publicKeyPath };
  } else if (values['public-key'] !== undefined) {
    const { readFileSync } = await import('node:fs');
    publicKeyPem = readFileSync(resolve(values['public-key']), 'utf8');
  }

  const sim = await startSimulation({
    scenario: values.scenario,
    speed,
    ...(values.seed === undefined ? {} : { seed: values.seed }),
    ...(values['kalshi-port'] === undefined ? {} : { kalshiPort: values['kalshi-port'] }),
    ...(values['odds-port'] === undefined ? {} : { oddsPort: values['odds-port'] }),
    ...(keyId === undefined ? {} : { keyId }),
    ...(publicKeyPem === undefined ? {} : { publicKeyPem }),
    ...(values['odds-api-key'] === undefined ? {} : { oddsApiKey: values['odds-api-key'] }),
    onEvent: (e) => process.stderr.write(`${JSON.stringify({ ...e, at: new Date(e.at).toISOString() })}\n`),
  });
  process.stdout.write(`${JSON.stringify({ ...sim.ready, ...(keyFiles ? { keyFiles } : {}) })}\n`);

  // Run-time faults: one JSON command per stdin line, e.g. {"target":"odds","name":"outage","on":true}.
  if (!process.stdin.isTTY) {
    const lines = createInterface({ input: process.stdin });
    lines.on('line', (line) => {
      if (line.trim() === '') return;
      const report = (o: object) => process.stderr.write(`${JSON.stringify(o)}\n`);
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        return report({ type: 'command_error', message: 'not JSON' });
      }
      const cmd = zFaultCommand.safeParse(json);
      if (!cmd.success)
        return report({
          type: 'command_error',
          message: cmd.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
        });
      if (cmd.data.target === 'kalshi' && unknownKalshiFaults([cmd.data.name]).length > 0)
        return report({ type: 'command_error', message: `unknown Kalshi fault ${cmd.data.name}` });
      try {
        sim.runner.setFault(cmd.data);
      } catch (e) {
        report({ type: 'command_error', message: (e as Error).message });
      }
    });
  }

  return new Promise<number>((done) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(
        `${JSON.stringify({ type: 'stopping', signal, summary: sim.runner.summary() })}\n`,
      );
      const force = setTimeout(() => done(1), 5000);
      force.unref();
      sim.close().then(
        () => {
          process.stderr.write(`${JSON.stringify({ type: 'stopped', signal })}\n`);
          done(0);
        },
        () => done(1),
      );
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
}

runIfEntry(import.meta.url, main);
