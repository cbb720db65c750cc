/**
 * Waiting on the thing itself, for tests whose other side runs on real time
 * (a socket, a child process, a local store): poll a condition until it holds,
 * with a generous deadline that only guards against a hang and fails naming
 * what never happened. Never a fixed real-time sleep standing in for "it has
 * finished by now": a loaded CI machine (load 20) outlasts any such sleep.
 */

export interface WaitForOptions {
  /** What is awaited, for the failure message ("the subscribe at the exchange"). */
  what: string;
  /** Real-time bound, a hang guard only (default 20 s, under vitest's 30 s test timeout). */
  timeoutMs?: number;
  /** Real time between two looks (default 10 ms): pacing, not an assumption. */
  everyMs?: number;
}

/** Resolves once `cond()` holds (it may be async); rejects with `timed out waiting for <what>` past the bound. */
export async function waitFor(cond: () => boolean | Promise<boolean>, o: WaitForOptions): Promise<void> {
  const timeoutMs = o.timeoutMs ?? 20_000;
  const start = Date.now();
  for (;;) {
    if (await cond()) return;
    if (Date.now() - start > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${o.what}`);
    await new Promise((r) => setTimeout(r, o.everyMs ?? 10));
  }
}

/** Resolves with `read()`'s first value that `accept` takes; rejects past the bound like `waitFor`. */
export async function waitForValue<T>(
  read: () => T | Promise<T>,
  accept: (value: T) => boolean,
  o: WaitForOptions,
): Promise<T> {
  let last: T | undefined;
  await waitFor(async () => {
    last = await read();
    return accept(last);
  }, o).catch((e: unknown) => {
    throw new Error(`${(e as Error).message} (last seen: ${JSON.stringify(last)})`);
  });
  return last as T;
}
