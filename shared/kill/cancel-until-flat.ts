/**
 * The kill-switch cancel loop, shared by the kill-switch Lambda and the worker.
 *
 * A cancel can be acknowledged and yet not happen (or happen late), and a
 * listing can race a fill or a late create. So: cancel everything, wait,
 * re-list, cancel what is still there, and only call the book flat after TWO
 * consecutive listings show nothing resting (and, where the caller can tell,
 * none of its own writes was in flight when they were taken). Give up at the deadline and
 * report what remains, so the caller can alarm.
 *
 * Pure orchestration: the exchange is a port and time is a Clock.
 */
import type { Clock } from '../clock.ts';

export interface RestingOrder {
  readonly orderId: string;
  readonly ticker: string;
  /** The order's shard, when the listing gives it: a cancel routed to another shard finds nothing. */
  readonly exchangeIndex?: number;
}

/** What the loop needs from an exchange client. */
export interface CancelPort {
  listResting(): Promise<readonly RestingOrder[]>;
  cancel(order: RestingOrder): Promise<void>;
  /** Optional bulk cancel (one request); individual cancels still mop up what it misses. */
  cancelAll?(): Promise<void>;
  /** Optional: cancel by order group (the exchange cancels every order of each of our groups). */
  cancelGroups?(): Promise<void>;
  /**
   * Optional: how many of the caller's own order writes are still on the wire.
   * An empty listing taken while one may yet land proves nothing, so it does
   * not count toward flat (the worker knows its writes; the Lambda does not).
   */
  writesInFlight?(): number;
}

export interface CancelUntilFlatOptions {
  clock: Clock;
  /** Give up after this long (ms). Default 60 s. */
  deadlineMs?: number;
  /** Wait between a round of cancels and the next listing (ms). Default 500. */
  pauseMs?: number;
  /** Parallel individual cancels. Default 8. */
  concurrency?: number;
  /** Longest a single exchange call may take before it counts as failed (ms). Default 10 s. */
  callTimeoutMs?: number;
  /** Observer for logs; never required. */
  onRound?: (round: RoundReport) => void;
  /**
   * Keep cancelling this long from the start (ms, within the deadline) even after listings look
   * empty: the exchange can report a kill that did not happen, and one lying listing must not end
   * the flood. Every pass then sends the bulk and group cancels again and re-lists. Default 0 (stop
   * at the first two consecutive empty listings).
   */
  floodMs?: number;
  /** Called once, when two consecutive listings first look empty (the flood may go on after it). */
  onFlat?: (report: CancelReport) => void;
  /** Checked before every pass: true ends the loop (the process is closing). */
  aborted?: () => boolean;
}

export interface RoundReport {
  round: number;
  listed: number | null;
  cancelsSent: number;
  cancelErrors: number;
  usedCancelAll: boolean;
  /** Cancel-by-group sent this pass. */
  usedCancelGroups?: boolean;
}

export interface CancelReport {
  /** True only after two consecutive empty listings. */
  flat: boolean;
  rounds: number;
  /** Individual cancels sent (bulk cancels are counted in `cancelAllCalls`). */
  cancelsSent: number;
  cancelAllCalls: number;
  cancelErrors: number;
  listErrors: number;
  /** Orders seen resting at the last successful listing (empty when flat). */
  remaining: RestingOrder[];
  /**
   * False when no listing succeeded or the last one failed: `remaining` is then not a count of
   * what rests but of nothing we know ("unknown", never "0 may still rest").
   */
  remainingKnown: boolean;
  /** What each pass found (listed count, null when the listing failed), in order; the last 120 passes. */
  passes: RoundReport[];
  elapsedMs: number;
  /** Distinct order ids ever seen resting. */
  ordersSeen: number;
}

class CallTimeout extends Error {
  constructor(what: string, ms: number) {
    super(`${what} took longer than ${ms} ms`);
    this.name = 'CallTimeout';
  }
}

function withTimeout<T>(clock: Clock, ms: number, what: string, work: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = clock.setTimeout(() => reject(new CallTimeout(what, ms)), ms);
    work().then(
      (v) => {
        clock.clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clock.clearTimeout(timer);
        reject(e);
      },
    );
  });
}

const sleep = (clock: Clock, ms: number) =>
  new Promise<void>((resolve) => {
    clock.setTimeout(resolve, ms);
  });

export async function cancelUntilFlat(
  port: CancelPort,
  options: CancelUntilFlatOptions,
): Promise<CancelReport> {
  const { clock } = options;
  const deadlineMs = options.deadlineMs ?? 60_000;
  const pauseMs = options.pauseMs ?? 500;
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const callTimeoutMs = options.callTimeoutMs ?? 10_000;
  const start = clock.now();
  const endAt = start + deadlineMs;
  const seen = new Set<string>();
  const report: CancelReport = {
    flat: false,
    rounds: 0,
    cancelsSent: 0,
    cancelAllCalls: 0,
    cancelErrors: 0,
    listErrors: 0,
    remaining: [],
    remainingKnown: false,
    passes: [],
    elapsedMs: 0,
    ordersSeen: 0,
  };
  const floodUntil = start + Math.min(deadlineMs, Math.max(0, options.floodMs ?? 0));
  let flatReported = false;
  // A call may not run past the overall deadline.
  const budget = () => Math.max(1, Math.min(callTimeoutMs, endAt - clock.now()));
  let emptyListings = 0;
  let bulkUsed = false;

  for (;;) {
    report.rounds++;
    const round: RoundReport = {
      round: report.rounds,
      listed: null,
      cancelsSent: 0,
      cancelErrors: 0,
      usedCancelAll: false,
    };
    let listing: readonly RestingOrder[] | null = null;
    const quiet = (port.writesInFlight?.() ?? 0) === 0;
    try {
      listing = await withTimeout(clock, budget(), 'listResting', () => port.listResting());
    } catch {
      report.listErrors++;
      report.remainingKnown = false;
      emptyListings = 0; // an unknown state is not an empty one
    }
    // Closing (aborted) while this pass listed: send nothing more — at SIGTERM the lease may already be
    // the next task's, and an account-wide cancel-all or group delete would take its first orders.
    const stopping = options.aborted?.() ?? false;
    const flooding = !stopping && clock.now() < floodUntil;
    if (flooding) {
      // The flood: bulk and group cancels every pass, whatever the listing said (it may lie).
      if (port.cancelAll) {
        bulkUsed = true;
        round.usedCancelAll = true;
        report.cancelAllCalls++;
        try {
          await withTimeout(clock, budget(), 'cancelAll', () => port.cancelAll!());
        } catch {
          report.cancelErrors++;
          round.cancelErrors++;
        }
      }
      if (port.cancelGroups && !options.aborted?.()) {
        round.usedCancelGroups = true;
        try {
          await withTimeout(clock, budget(), 'cancelGroups', () => port.cancelGroups!());
        } catch {
          report.cancelErrors++;
          round.cancelErrors++;
        }
      }
    }

    if (listing) {
      report.remainingKnown = true;
      round.listed = listing.length;
      if (listing.length === 0) {
        if (quiet) emptyListings++;
        else emptyListings = 0; // a create of ours may still land after this listing
        report.remaining = [];
      } else {
        emptyListings = 0;
        report.remaining = [...listing];
        for (const o of listing) seen.add(o.orderId);
        // Bulk cancel first (one request) on the first non-empty round; every
        // later round cancels the survivors one by one.
        if (port.cancelAll && !bulkUsed && !flooding && !stopping) {
          bulkUsed = true;
          round.usedCancelAll = true;
          report.cancelAllCalls++;
          try {
            await withTimeout(clock, budget(), 'cancelAll', () => port.cancelAll!());
          } catch {
            report.cancelErrors++;
            round.cancelErrors++;
          }
        } else {
          for (let i = 0; !stopping && i < listing.length && clock.now() < endAt; i += concurrency) {
            const chunk = listing.slice(i, i + concurrency);
            const results = await Promise.allSettled(
              chunk.map((o) => withTimeout(clock, budget(), 'cancel', () => port.cancel(o))),
            );
            report.cancelsSent += chunk.length;
            round.cancelsSent += chunk.length;
            const failed = results.filter((r) => r.status === 'rejected').length;
            report.cancelErrors += failed;
            round.cancelErrors += failed;
          }
        }
      }
    }
    options.onRound?.(round);
    report.passes.push(round);
    if (report.passes.length > 120) report.passes.shift();

    if (emptyListings >= 2) {
      report.flat = true;
      if (!flatReported) {
        flatReported = true;
        options.onFlat?.({ ...report, remaining: [], elapsedMs: clock.now() - start, ordersSeen: seen.size });
      }
      if (clock.now() >= floodUntil) break;
    } else report.flat = false;
    if (clock.now() + pauseMs >= endAt || options.aborted?.()) break;
    await sleep(clock, pauseMs);
    if (options.aborted?.()) break;
  }
  report.ordersSeen = seen.size;
  report.elapsedMs = clock.now() - start;
  return report;
}
