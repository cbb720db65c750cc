/**
 * Waiting for a started worker's opening quotes before its memory and
 * start-up time are read. The engine quotes only after its books are live,
 * and on a loaded machine its first write can come seconds later: judging
 * "writes stopped" from the moment the books are live read a worker that had
 * written nothing (issue #16: a 10,000-market RSS of 243 MB whose run had not
 * quoted). So: first wait for the first write, then until none is added for
 * `quietMs` and none is in flight; both bounded by `until`.
 */
export interface SettleIo {
  /** writes sent so far */
  writes(): number;
  /**
   * Writes handed to the REST client and not yet answered (the session's `writesInFlight`). A write is
   * counted as sent when the engine hands it over; on a loaded machine thousands then wait, signed, in
   * the HTTP pool: the opening is over when they are answered, not when the last is handed over.
   */
  inFlight?(): number;
  now(): number;
  sleep(ms: number): Promise<void>;
}

export async function waitForOpeningQuotes(
  io: SettleIo,
  until: number,
  quietMs = 1_500,
  pollMs = 50,
): Promise<{ started: boolean }> {
  while (io.writes() === 0) {
    if (io.now() >= until) return { started: false };
    await io.sleep(pollMs);
  }
  const inFlight = () => io.inFlight?.() ?? 0;
  for (let w = -1; (w !== io.writes() || inFlight() > 0) && io.now() < until; ) {
    w = io.writes();
    await io.sleep(quietMs);
  }
  return { started: true };
}
