/**
 * The one path every inbound text frame takes, live or replayed: parse with
 * the zod schemas, feed the book state machine, count the outcome. Never
 * throws; a bad frame is counted and described (truncated) for the log.
 *
 * Book frames (orderbook_delta, orderbook_snapshot), fills and order updates
 * first try the validated fast paths (`fast-frame.ts`, `fast-fill.ts`,
 * `fast-user-order.ts`: same checks, same output); whatever they do not
 * accept goes through the zod schemas, so refusals keep zod's messages.
 */
import { type ParsedWsFrame, parseWsValue, type WsInbound } from '../../shared/kalshi/schemas/ws.ts';
import type { AppliedDelta, BookSync, DropReason, ResyncRequest, SyncOutcome } from '../book/book-sync.ts';
import { fastFill } from './fast-fill.ts';
import { fastBookFrame } from './fast-frame.ts';
import { fastUserOrder } from './fast-user-order.ts';

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
  /** Read-only: shared (`NO_RESYNC`) when there is nothing to resync. */
  resync: readonly ResyncRequest[];
  /** An accepted orderbook_delta: the level it changed (YES terms). */
  applied?: AppliedDelta;
  /** A book frame on a sid or market that is not ours: dropped untouched. */
  dropped?: DropReason;
}

const BOOK_TYPES: ReadonlySet<unknown> = new Set(['orderbook_delta', 'orderbook_snapshot']);

/** sid, seq and market of a frame that did not parse, when it still carries them readably. */
function sequenceOf(raw: unknown): { sid: number; seq: number; market?: string; type: unknown } | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const { sid, seq, type, msg } = raw as Record<string, unknown>;
  if (!Number.isSafeInteger(sid) || !Number.isSafeInteger(seq)) return null;
  const market =
    typeof msg === 'object' && msg !== null ? (msg as Record<string, unknown>).market_ticker : undefined;
  return typeof market === 'string' && market.length > 0
    ? { sid: sid as number, seq: seq as number, market, type }
    : { sid: sid as number, seq: seq as number, type };
}

/**
 * A frame that did not parse still took its place in its sid's sequence: its
 * seq is consumed so gaps stay exact (a malformed book frame also costs the
 * market it names its snapshot). Returns the resyncs that follow.
 */
export function consumeUnparsed(
  sync: BookSync,
  raw: unknown,
  unknownType: boolean,
): readonly ResyncRequest[] {
  const at = sequenceOf(raw);
  if (!at) return [];
  return sync.consumeSeq(at.sid, at.seq, {
    ...(at.market === undefined ? {} : { market: at.market }),
    unreadableBook: !unknownType && BOOK_TYPES.has(at.type),
  }).resync;
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
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      this.counts.rejected++;
      return {
        outcome: 'rejected',
        msg: null,
        detail: `bad_json: frame is not JSON in ${truncateFrame(text)}`,
        resync: [],
      };
    }
    const fast = fastBookFrame(raw) ?? fastFill(raw) ?? fastUserOrder(raw);
    if (fast !== null) return this.handleMessage(fast, receivedAt);
    let parsed: ParsedWsFrame;
    try {
      parsed = parseWsValue(raw);
    } catch (e) {
      // parseWsFrame does not throw; this guards the event loop against a future regression.
      parsed = { ok: false, reason: 'bad_shape', error: String(e).slice(0, 100) };
    }
    if (!parsed.ok) {
      const outcome: SyncOutcome = parsed.reason === 'unknown_type' ? 'ignored' : 'rejected';
      this.counts[outcome]++;
      const resync = consumeUnparsed(this.sync, raw, parsed.reason === 'unknown_type');
      return {
        outcome,
        msg: null,
        detail: `${parsed.reason}: ${parsed.error} in ${truncateFrame(text)}`,
        resync,
      };
    }
    return this.handleMessage(parsed.msg, receivedAt);
  }

  handleMessage(msg: WsInbound, receivedAt?: number): HandledFrame {
    const r = this.sync.handle(msg, receivedAt);
    const outcome = r.outcome;
    if (outcome === 'accepted') this.counts.accepted++;
    else if (outcome === 'ignored') this.counts.ignored++;
    else this.counts.rejected++;
    const detail = r.detail ?? null;
    // An accepted delta's result in one literal: a key added to a built object grew it, once per frame.
    if (r.applied && !r.dropped) return { outcome, msg, detail, resync: r.resync, applied: r.applied };
    const out: HandledFrame = { outcome, msg, detail, resync: r.resync };
    if (r.applied) out.applied = r.applied;
    if (r.dropped) out.dropped = r.dropped;
    return out;
  }
}
