/**
 * `npm start [-- options]`: the whole system on this machine. Paper mode (the
 * default) runs against the simulators on a scenario; `--live` runs the same
 * worker against real Kalshi and The Odds API from environment variables.
 * Prints a progress line while starting, then the dashboard URL (with its
 * action token) and a one-line status. Ctrl-C / SIGTERM: kill switch first,
 * then shutdown; a second Ctrl-C exits at once.
 *
 * Exit codes: 0 clean stop, 1 failure, 2 bad options/config/environment.
 */
import { join } from 'node:path';
import { runCommand, runIfEntry } from '../shared/cli.ts';
import { remainingText } from '../worker/engine/ports.ts';
import { loadEngineConfig } from './paper/config-file.ts';
import {
  describeLiveHosts,
  liveHosts,
  parseLiveEnv,
  START_COMMAND,
  type StartOptions,
  UsageError,
} from './paper/options.ts';
import { progressWriter } from './paper/progress.ts';
import { PAPER_STEPS, type PaperStack, startLiveStack, startPaperStack } from './paper/stack.ts';
import { statusLine } from './paper/status.ts';
import { startPaperWorker } from './paper/worker.ts';

const STATUS_EVERY_MS = 2_000;
const SECOND_SIGNAL_AFTER_MS = 1_500;

export interface StartIo {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  out: NodeJS.WriteStream;
  err: NodeJS.WriteStream;
  /** Registers the stop signals; returns an unregister function. */
  onSignal(handler: (signal: string) => void): () => void;
}

function isStartupError(err: unknown): boolean {
  return err instanceof UsageError || (err instanceof Error && err.name === 'ScenarioError');
}

export function main(io: StartIo): Promise<number> {
  return runCommand(START_COMMAND, io.argv, io, (opts) => run(opts, io));
}

async function run(opts: Omit<StartOptions, 'help'>, io: StartIo): Promise<number> {
  const progress = progressWriter(io.err);
  const logLines: string[] = [];
  // Warnings and errors go to stderr as JSON lines (after startup, so they don't tear the progress line).
  let started = false;
  const log = (entry: Record<string, unknown>) => {
    if (entry.level !== 'warn' && entry.level !== 'error') return;
    const line = JSON.stringify('ts' in entry ? entry : { ts: new Date().toISOString(), ...entry });
    if (started) io.err.write(`\n${line}\n`);
    else logLines.push(line);
  };

  // Everything that can be checked is checked before anything starts.
  let config: ReturnType<typeof loadEngineConfig>;
  let liveEnv: ReturnType<typeof parseLiveEnv> | null = null;
  try {
    config = loadEngineConfig(opts.config);
    if (opts.live) {
      liveEnv = parseLiveEnv(io.env);
      // Before anything can trade: say where real orders will go (overrides included).
      io.err.write(`${describeLiveHosts(liveHosts(liveEnv))}\n`);
    }
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err.write(`error: ${err.message}\n`);
    return 2;
  }

  // Signals are taken from here on: one arriving while the stack starts stops it as soon as it
  // is up (kill switch included), instead of killing the process with orders possibly resting.
  let pendingSignal: string | null = null;
  let onStopSignal: ((signal: string) => void) | null = null;
  const unregister = io.onSignal((signal) => {
    if (onStopSignal) onStopSignal(signal);
    else pendingSignal ??= signal;
  });

  let stack: PaperStack;
  try {
    let step = 0;
    const onProgress = (name: string) => {
      step++;
      progress.update(
        `starting kalshi-mm${opts.live ? ' (LIVE)' : ' paper mode'} [${step}/${PAPER_STEPS.length}] ${name}…`,
      );
    };
    const dashboard = { host: opts.host, port: opts.port };
    // The session journal (replayable: npm run replay -- --journal DIR), one directory per run.
    const journalDir = opts['no-journal']
      ? undefined
      : (opts.journal ?? join('reports', 'journal', new Date().toISOString().replace(/[:.]/g, '-')));
    if (journalDir) io.err.write(`session journal: ${journalDir}\n`);
    stack = liveEnv
      ? await startLiveStack({
          env: liveEnv,
          config,
          dashboard,
          startWorker: startPaperWorker,
          onProgress,
          log,
          ...(journalDir ? { journalDir } : {}),
        })
      : await startPaperStack({
          scenario: opts.scenario,
          ...(opts.seed === undefined ? {} : { seed: opts.seed }),
          speed: opts.speed,
          config,
          dashboard,
          startWorker: startPaperWorker,
          onProgress,
          log,
          ...(journalDir ? { journalDir } : {}),
        });
  } catch (err) {
    unregister();
    progress.done('');
    for (const line of logLines) io.err.write(`${line}\n`);
    if (isStartupError(err)) {
      io.err.write(`error: ${(err as Error).message}\n`);
      return 2;
    }
    io.err.write(`error: could not start: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }

  started = true;
  progress.done(
    [
      `kalshi-mm ${opts.live ? 'LIVE' : 'paper mode'} ready${opts.live ? '' : ` — scenario ${opts.scenario}, speed ${opts.speed}×`}`,
      `dashboard: ${stack.dashboard?.url}#token=${stack.token}`,
      `action token (kill, pause): ${stack.token}`,
      ...(stack.localDynamo
        ? [
            `operator's view from DynamoDB: npm run dashboard -- --stage local --endpoint ${stack.localDynamo.endpoint}`,
          ]
        : []),
      'Ctrl-C: kill switch, then shut down',
    ].join('\n'),
  );
  for (const line of logLines) io.err.write(`${line}\n`);

  const showStatus = () => {
    try {
      progress.update(statusLine(stack.view()));
    } catch (err) {
      progress.update(`status unavailable: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  showStatus();
  const statusTimer = setInterval(showStatus, STATUS_EVERY_MS);

  return new Promise<number>((resolve) => {
    let stoppingSince: number | null = null;
    onStopSignal = (signal) => {
      if (stoppingSince !== null) {
        // One Ctrl-C reaches us several times (terminal process group, npm and tsx relaying it):
        // only a deliberate second press, a moment later, skips the orderly shutdown.
        if (Date.now() - stoppingSince < SECOND_SIGNAL_AFTER_MS) return;
        io.err.write(`\n${signal} again: exiting without waiting\n`);
        resolve(130);
        return;
      }
      stoppingSince = Date.now();
      clearInterval(statusTimer);
      progress.done(`${signal}: kill switch, cancelling every resting order…`);
      stack
        .stop(`${signal} from the terminal`)
        .then((r) => {
          io.err.write(
            r.flat
              ? 'flat: no resting orders left; everything stopped\n'
              : `WARNING: ${remainingText(r)} may still rest; everything else stopped\n`,
          );
          unregister();
          resolve(r.flat ? 0 : 1);
        })
        .catch((err: unknown) => {
          io.err.write(`error during shutdown: ${err instanceof Error ? err.message : String(err)}\n`);
          unregister();
          resolve(1);
        });
    };
    if (pendingSignal) onStopSignal(pendingSignal);
  });
}

/** Registers SIGINT/SIGTERM for `main`; returns the unregister function. */
export function processSignals(handler: (signal: string) => void): () => void {
  const on = (s: NodeJS.Signals) => () => handler(s);
  const int = on('SIGINT');
  const term = on('SIGTERM');
  process.on('SIGINT', int);
  process.on('SIGTERM', term);
  return () => {
    process.off('SIGINT', int);
    process.off('SIGTERM', term);
  };
}

runIfEntry(import.meta.url, (argv) =>
  main({ argv, env: process.env, out: process.stdout, err: process.stderr, onSignal: processSignals }),
);
