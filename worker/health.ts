/**
 * Touches the container health check's file (shared/metrics/health-check.ts): its mtime is the
 * evidence that the worker's event loop is alive.
 */
import { writeFileSync } from 'node:fs';

/** A beat function for `file`; a failure is reported once per streak of failures, never thrown. */
export function healthBeat(file: string, onError: (err: unknown) => void): () => void {
  let failing = false;
  return () => {
    try {
      writeFileSync(file, String(Date.now()));
      failing = false;
    } catch (err) {
      if (!failing) onError(err);
      failing = true;
    }
  };
}
