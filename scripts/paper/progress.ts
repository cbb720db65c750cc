/**
 * Terminal progress: a start-up line that rewrites itself, and a progress bar
 * for headless simulations. Pure text builders + a tiny writer, so tests check
 * the text and a non-terminal (CI log) gets plain lines instead of redraws.
 */

export function progressBar(done: number, total: number, width = 30): string {
  const share = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const filled = Math.round(share * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}%`;
}

export interface ProgressWriter {
  /** Replaces the current line (on a terminal) or prints it (elsewhere). */
  update(text: string): void;
  /** Ends the current line and prints `text` on its own. */
  done(text: string): void;
}

export function progressWriter(
  stream: { write(s: string): unknown; isTTY?: boolean } = process.stderr,
): ProgressWriter {
  const tty = stream.isTTY === true;
  let last = '';
  return {
    update(text) {
      if (text === last) return;
      last = text;
      if (tty) stream.write(`\r\x1b[2K${text}`);
      else stream.write(`${text}\n`);
    },
    done(text) {
      if (tty && last) stream.write('\r\x1b[2K');
      last = '';
      stream.write(`${text}\n`);
    },
  };
}
