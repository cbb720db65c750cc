/**
 * Fuzz: every text frame the Kalshi WebSocket could send goes through
 * parseWsFrame and the FrameHandler → BookSync → OrderBook path the worker
 * uses. Nothing throws; a frame the parser rejects changes no book; a frame
 * the book state machine rejects leaves the levels as they were (the book may
 * only drop out of `live` and ask for a resync).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseWsFrame, parseWsValue } from '../../shared/kalshi/schemas/ws.ts';
import { BookSync } from '../../worker/book/book-sync.ts';
import { FrameHandler } from '../../worker/kalshi/frame-handler.ts';
import { fixture, hostileText, type Json, recordCases } from './support.ts';

const WS_FIXTURES = [
  'ws_orderbook_snapshot_bos.json',
  'ws_orderbook_snapshot_mil.json',
  'ws_orderbook_delta_seq3_own_order.json',
  'ws_orderbook_delta_seq4.json',
  'ws_orderbook_delta_seq5.json',
  'ws_orderbook_delta_seq6_level_cleared.json',
  'ws_fill.json',
  'ws_user_order_executed.json',
  'ws_market_lifecycle_determined.json',
  'ws_ticker.json',
  'ws_trade.json',
  'ws_subscribed_fill.json',
  'ws_subscribed_orderbook.json',
  'ws_error_unknown_channel.json',
];
const seeds: Json[] = WS_FIXTURES.map((f) => fixture('kalshi', f));
let cases = 0;

/** A BookSync with both reference books live (snapshots for sid 1 applied). */
function liveSync(): { sync: BookSync; handler: FrameHandler } {
  const sync = new BookSync({ useYesPrice: false });
  const handler = new FrameHandler(sync);
  for (const f of WS_FIXTURES.slice(0, 2)) {
    const r = handler.handleText(JSON.stringify(fixture('kalshi', f)));
    if (r.outcome !== 'accepted') throw new Error(`fixture ${f} not accepted: ${r.detail}`);
  }
  return { sync, handler };
}

function bookState(sync: BookSync): string {
  return JSON.stringify(
    [...sync.books.entries()].map(([t, b]) => ({
      t,
      state: b.state,
      bids: b.levels('bid'),
      asks: b.levels('ask'),
    })),
  );
}

function levelsOnly(sync: BookSync): string {
  return JSON.stringify([...sync.books.entries()].map(([t, b]) => [t, b.levels('bid'), b.levels('ask')]));
}

describe('Kalshi WebSocket frames (fuzz)', () => {
  it('parseWsFrame never throws and answers ok or a named rejection', () => {
    fc.assert(
      fc.property(hostileText(seeds), (text) => {
        cases++;
        const r = parseWsFrame(text);
        if (r.ok) expect(typeof r.msg.type).toBe('string');
        else expect(['bad_json', 'unknown_type', 'bad_shape']).toContain(r.reason);
      }),
      { numRuns: 4000 },
    );
  });

  it('parseWsValue never throws on any JS value', () => {
    fc.assert(
      fc.property(fc.anything(), (v) => {
        cases++;
        const r = parseWsValue(v);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 1000 },
    );
  });

  it('through the frame handler: no throw, a parse-rejected frame changes no level, a sync-rejected one keeps the levels or takes the book out of service', () => {
    fc.assert(
      fc.property(fc.array(hostileText(seeds), { minLength: 1, maxLength: 20 }), (frames) => {
        const { sync, handler } = liveSync();
        for (const text of frames) {
          cases++;
          const before = bookState(sync);
          const beforeLevels = levelsOnly(sync);
          const parsed = parseWsFrame(text);
          const r = handler.handleText(text, 1_700_000_000_000);
          expect(['accepted', 'ignored', 'rejected']).toContain(r.outcome);
          if (!parsed.ok) {
            expect(r.outcome).not.toBe('accepted');
            // Its levels are never applied; a seq it carried is consumed, so it may take books out
            // of service (a gap, or the market it names), and then a resync is asked for.
            expect(levelsOnly(sync)).toBe(beforeLevels);
            if (bookState(sync) !== before) expect(r.resync.length).toBeGreaterThan(0);
          } else if (r.outcome === 'rejected' && levelsOnly(sync) !== beforeLevels) {
            // A corrupt snapshot/delta may discard a book, but then it is out of service
            // (not live, so nothing quotes from it) and a fresh snapshot is asked for.
            const changed = [...sync.books.values()].filter(
              (b) => !beforeLevels.includes(JSON.stringify([b.ticker, b.levels('bid'), b.levels('ask')])),
            );
            for (const b of changed) expect(b.live).toBe(false);
            expect(r.resync.length).toBeGreaterThan(0);
          }
          // Every book is either live and uncrossed, or not live.
          for (const b of sync.books.values()) {
            if (!b.live) continue;
            const bid = b.bestBid();
            const ask = b.bestAsk();
            if (bid && ask) expect(bid.price).toBeLessThan(ask.price);
            for (const q of [...b.levels('bid'), ...b.levels('ask')]) {
              expect(Number.isInteger(q.price) && Number.isInteger(q.size)).toBe(true);
              expect(q.size).toBeGreaterThan(0);
              expect(q.price).toBeGreaterThan(0);
              expect(q.price).toBeLessThan(1_000_000);
            }
          }
        }
        expect(handler.counts.accepted + handler.counts.rejected + handler.counts.ignored).toBe(
          frames.length + 2,
        );
      }),
      { numRuns: 300 },
    );
  });
});

afterAll(() => {
  recordCases('kalshi-ws', cases);
});
