/**
 * Paper mode's EventBridge schedule: runs a job now and then every period on
 * the given clock. Runs never overlap (a slow run delays the next instead of
 * stacking), and a failed run is reported and retried at the next period.
 */
import type { Clock, TimerHandle } from '../../shared/clock.ts';

export interface Schedule {
  /** Runs the job now (unless a run is in flight) and resolves when it is done. */
  runNow(): Promise<void>;
  readonly runs: number;
  readonly failures: number;
  stop(): Promise<void>;
}

export function startSchedule(
  clock: Clock,
  periodMs: number,
  job: () => Promise<unknown>,
  onError: (err: unknown) => void = () => {},
): Schedule {
  if (!(periodMs > 0)) throw new RangeError('schedule period must be > 0');
  let timer: TimerHandle | null = null;
  let current: Promise<void> | null = null;
  let stopped = false;
  let runs = 0;
  let failures = 0;

  const run = (): Promise<void> => {
    if (current) return current;
    current = (async () => {
      try {
        runs++;
        await job();
      } catch (err) {
        failures++;
        onError(err);
      } finally {
        current = null;
      }
    })();
    return current;
  };

  const arm = () => {
    if (stopped) return;
    timer = clock.setTimeout(() => {
      timer = null;
      void run().then(arm);
    }, periodMs);
  };

  void run().then(arm);

  return {
    runNow: run,
    get runs() {
      return runs;
    },
    get failures() {
      return failures;
    },
    async stop() {
      stopped = true;
      if (timer) clock.clearTimeout(timer);
      timer = null;
      if (current) await current;
    },
  };
}
