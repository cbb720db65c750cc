/**
 * Replays recorded WebSocket frames through the worker's own frame handler
 * and books, and reports the resulting books, frame counts and the snapshot
 * requests the live client would have made.
 */
import { BookSync, type ResyncRequest } from '../book/book-sync.ts';
import type { BookState, Quote } from '../book/order-book.ts';
import { type FrameCounts, FrameHandler } from '../kalshi/frame-handler.ts';

export interface ReplayBook {
  state: BookState;
  /** [price in dollars, size in contracts], best first. */
  yes_bids: [number, number][];
  yes_asks: [number, number][];
}

export interface ReplayReport {
  books: Record<string, ReplayBook>;
  frames: FrameCounts;
  resync_requests: ResyncRequest[];
}

/**
 * Frames of one file: a file holding one JSON value is one frame (an array
 * is a list of frames); otherwise every non-blank line is a frame, and a line
 * that is not JSON stays a (bad) frame.
 */
export function framesOfFile(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  try {
    const whole: unknown = JSON.parse(trimmed);
    if (Array.isArray(whole)) return whole.map((v) => JSON.stringify(v));
    return [trimmed];
  } catch {
    return text.split(/\r?\n/).filter((l) => l.trim() !== '');
  }
}

const level = (q: Quote): [number, number] => [q.price / 1_000_000, q.size / 100];

export function replay(frames: Iterable<string>, opts: { useYesPrice: boolean }): ReplayReport {
  const handler = new FrameHandler(new BookSync({ useYesPrice: opts.useYesPrice }));
  const resync: ResyncRequest[] = [];
  for (const f of frames) resync.push(...handler.handleText(f).resync);
  const books: Record<string, ReplayBook> = {};
  for (const ticker of [...handler.sync.books.keys()].sort()) {
    const b = handler.sync.books.get(ticker)!;
    books[ticker] = {
      state: b.state,
      yes_bids: b.levels('bid').map(level),
      yes_asks: b.levels('ask').map(level),
    };
  }
  return { books, frames: { ...handler.counts }, resync_requests: resync };
}
