/**
 * The one path every inbound text frame takes, live or replayed: parse with
 * the zod schemas, feed the book state machine, count the outcome. Never
 * throws; a bad frame is counted and described (truncated) for the log.
 */
import { type ParsedWsFrame, parseWsFrame, type WsInbound } from '../../shared/kalshi/schemas/ws.ts';
import type { BookSync, ResyncRequest, SyncOutcome } from '../book/book-sync.ts';

export interface FrameCounts {
  accepted: number;
  rejected: number;
  ignored: number;
}

export interface HandledFrame {
  outcome: SyncOutcome;
  /** The parsed message, when the frame parsed. */
  msg: WsInbound | null;
  /** For rejected/ignored frames: why, with the frame text truncated. */
  detail: string | null;
  resync: ResyncRequest[];
}

const MAX_LOGGED = 200;

export function truncateFrame(text: string): string {
  return text.length <= MAX_LOGGED ? text : `${text.slice(0, MAX_LOGGED)}…(${text.length} chars)`;
}

export class FrameHandler {
  readonly counts: FrameCounts = { accepted: 0, rejected: 0, ignored: 0 };

  constructor(readonly sync: BookSync) {}

  /** `receivedAt`: epoch ms the frame arrived (stamps books; omit in replay). */
  handleText(text: string, receivedAt?: number): HandledFrame {
    let parsed: ParsedWsFrame;
    try {
      parsed = parseWsFrame(text);
    } catch (e) {
      // parseWsFrame does not throw; this guards the event loop against a future regression.
      parsed = { ok: false, reason: 'bad_shape', error: String(e).slice(0, 100) };
    }
    if (!parsed.ok) {
      const outcome: SyncOutcome = parsed.reason === 'unknown_type' ? 'ignored' : 'rejected';
      this.counts[outcome]++;
      return {
        outcome,
        msg: null,
        detail: `${parsed.reason}: ${parsed.error} in ${truncateFrame(text)}`,
        resync: [],
      };
    }
    return this.handleMessage(parsed.msg, receivedAt);
  }

  handleMessage(msg: WsInbound, receivedAt?: number): HandledFrame {
    const r = this.sync.handle(msg, receivedAt);
    this.counts[r.outcome]++;
    return { outcome: r.outcome, msg, detail: r.detail ?? null, resync: r.resync };
  }
}
