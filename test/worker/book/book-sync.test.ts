import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseWsFrame, type WsInbound } from '../../../shared/kalshi/schemas/ws.ts';
import { BookSync, NO_RESYNC } from '../../../worker/book/book-sync.ts';

const dir = join(import.meta.dirname, '../../fixtures/kalshi');
const frame = (name: string): WsInbound => {
  const r = parseWsFrame(readFileSync(join(dir, name), 'utf8'));
  if (!r.ok) throw new Error(r.error);
  return r.msg;
};
const BOS = 'KXNBAGAME-26NOV14BOSMIL-BOS';
const MIL = 'KXNBAGAME-26NOV14BOSMIL-MIL';
const story = [
  'ws_orderbook_snapshot_bos.json',
  'ws_orderbook_snapshot_mil.json',
  'ws_orderbook_delta_seq3_own_order.json',
  'ws_orderbook_delta_seq4.json',
  'ws_orderbook_delta_seq5.json',
  'ws_orderbook_delta_seq6_level_cleared.json',
];

const delta = (
  seq: number,
  ticker: string,
  price: string,
  d: string,
  side: 'yes' | 'no' = 'yes',
): WsInbound => {
  const r = parseWsFrame(
    JSON.stringify({
      type: 'orderbook_delta',
      sid: 1,
      seq,
      msg: { market_ticker: ticker, price_dollars: price, delta_fp: d, side },
    }),
  );
  if (!r.ok) throw new Error(r.error);
  return r.msg;
};

describe('BookSync on the reference story', () => {
  it('rebuilds the documented books after seq 6 (NO-leg pricing)', () => {
    const s = new BookSync({ useYesPrice: false });
    for (const f of story) expect(s.handle(frame(f)).outcome).toBe('accepted');
    const bos = s.book(BOS);
    expect(bos.bestBid()).toEqual({ price: 430_000, size: 18_000 });
    expect(bos.bestAsk()).toEqual({ price: 460_000, size: 11_500 });
    const mil = s.book(MIL);
    expect(mil.bestBid()).toEqual({ price: 540_000, size: 24_000 });
    expect(mil.bestAsk()).toEqual({ price: 560_000, size: 14_000 });
  });

  it('an accepted delta allocates no resync list: it hands out the one shared, frozen empty list', () => {
    const s = new BookSync({ useYesPrice: false });
    for (const f of story.slice(0, 3)) s.handle(frame(f));
    const a = s.handle(frame('ws_orderbook_delta_seq4.json'));
    const b = s.handle(frame('ws_orderbook_delta_seq5.json'));
    expect(a.outcome).toBe('accepted');
    expect(b.outcome).toBe('accepted');
    expect(a.resync).toBe(NO_RESYNC);
    expect(b.resync).toBe(a.resync);
    expect(a.resync).toEqual([]);
    // A consumer that tried to add to it would throw, not leak a request into every later frame.
    expect(Object.isFrozen(NO_RESYNC)).toBe(true);
  });

  it('a duplicate seq is dropped', () => {
    const s = new BookSync({ useYesPrice: false });
    for (const f of story.slice(0, 4)) s.handle(frame(f));
    const r = s.handle(frame('ws_orderbook_delta_seq4.json'));
    expect(r).toMatchObject({ outcome: 'ignored', detail: 'duplicate seq' });
    expect(s.book(MIL).bestBid()).toEqual({ price: 540_000, size: 24_000 });
  });

  it('a gap marks every book of the sid stale and asks for all their snapshots; a snapshot restores one', () => {
    const s = new BookSync({ useYesPrice: false });
    for (const f of story.slice(0, 3)) s.handle(frame(f));
    const r = s.handle(frame('ws_orderbook_delta_seq5.json')); // seq 4 lost
    expect(r.outcome).toBe('ignored');
    expect(r.resync).toEqual([
      { scope: 'subscription', sid: 1, markets: [BOS, MIL], reason: 'gap', expected_seq: 4, seq: 5 },
    ]);
    expect(s.book(BOS).state).toBe('stale');
    expect(s.book(MIL).state).toBe('stale');
    expect(s.handle(delta(6, MIL, '0.5300', '1.00')).outcome).toBe('ignored');
    const snap = parseWsFrame(
      JSON.stringify({
        type: 'orderbook_snapshot',
        sid: 1,
        seq: 7,
        id: 9,
        msg: { market_ticker: MIL, yes_dollars_fp: [['0.5000', '1.00']] },
      }),
    );
    if (!snap.ok) throw new Error(snap.error);
    expect(s.handle(snap.msg).outcome).toBe('accepted');
    expect(s.book(MIL).state).toBe('live');
    expect(s.book(BOS).state).toBe('stale');
  });

  it('a backwards seq is a gap', () => {
    const s = new BookSync({ useYesPrice: false });
    for (const f of story) s.handle(frame(f));
    const r = s.handle(delta(2, BOS, '0.4100', '1.00'));
    expect(r.resync[0]).toMatchObject({ scope: 'subscription', reason: 'gap', seq: 2 });
  });

  it('a delta taking a level negative invalidates only that market and asks for its snapshot', () => {
    const s = new BookSync({ useYesPrice: false });
    for (const f of story.slice(0, 2)) s.handle(frame(f));
    const r = s.handle(delta(3, BOS, '0.4100', '-251.00'));
    expect(r).toMatchObject({
      outcome: 'rejected',
      resync: [{ scope: 'market', sid: 1, market: BOS, reason: 'negative_level' }],
    });
    expect(s.book(BOS).state).toBe('invalid');
    expect(s.book(MIL).state).toBe('live');
    expect(s.handle(delta(4, MIL, '0.5200', '1.00')).outcome).toBe('accepted');
    expect(s.handle(delta(5, BOS, '0.4100', '1.00')).outcome).toBe('ignored');
  });

  it('with use_yes_price the no-side level is already a YES ask', () => {
    const s = new BookSync({ useYesPrice: true });
    s.handle(frame('ws_orderbook_snapshot_bos.json'));
    // The sample's no-side levels 0.51..0.54 read on the YES scale are YES asks at those prices.
    expect(s.book(BOS).bestAsk()).toEqual({ price: 510_000, size: 15_000 });
  });

  it('a terminal subscription error (25) drops the sid and asks to resubscribe its markets', () => {
    const s = new BookSync({ useYesPrice: false });
    for (const f of story.slice(0, 2)) s.handle(frame(f));
    const err = parseWsFrame('{"type":"error","sid":1,"msg":{"code":25,"msg":"buffer overflow"}}');
    if (!err.ok) throw new Error(err.error);
    const r = s.handle(err.msg);
    expect(r.resync).toEqual([
      { scope: 'subscription', sid: 1, markets: [BOS, MIL], reason: 'terminal_error', code: 25 },
    ]);
    expect(s.book(BOS).state).toBe('stale');
  });

  it('a grid change rebuilds the book stale and asks for a snapshot', () => {
    const s = new BookSync({ useYesPrice: false });
    s.handle(frame('ws_orderbook_snapshot_bos.json'));
    const lc = parseWsFrame(
      JSON.stringify({
        type: 'market_lifecycle_v2',
        sid: 6,
        seq: 3,
        msg: {
          market_ticker: BOS,
          event_type: 'price_level_structure_updated',
          price_ranges: [{ start: '0', end: '1', step: '0.001' }],
        },
      }),
    );
    if (!lc.ok) throw new Error(lc.error);
    expect(s.handle(lc.msg).resync).toEqual([
      { scope: 'market', sid: 1, market: BOS, reason: 'grid_changed' },
    ]);
    expect(s.book(BOS).state).toBe('stale');
  });
});

describe('BookSync with declared sids only (the live client)', () => {
  const snap = (sid: number, seq: number, ticker: string): WsInbound => {
    const r = parseWsFrame(
      JSON.stringify({
        type: 'orderbook_snapshot',
        sid,
        seq,
        msg: {
          market_ticker: ticker,
          yes_dollars_fp: [['0.4000', '10.00']],
          no_dollars_fp: [['0.5000', '5.00']],
        },
      }),
    );
    if (!r.ok) throw new Error(r.error);
    return r.msg;
  };

  it('a frame for a market not ours on our sid consumes its seq but touches no book', () => {
    const s = new BookSync({ useYesPrice: true, declaredSidsOnly: true });
    s.assign(1, [BOS]);
    expect(s.handle(snap(1, 1, BOS)).outcome).toBe('accepted');
    const foreign = s.handle(delta(2, MIL, '0.4500', '3.00'));
    expect(foreign).toMatchObject({ outcome: 'ignored', dropped: 'unknown_market', resync: [] });
    expect(s.books.has(MIL)).toBe(false);
    expect(s.marketsOf(1)).toEqual([BOS]);
    // seq 2 was consumed: seq 3 is in sequence.
    expect(s.handle(delta(3, BOS, '0.4000', '1.00')).outcome).toBe('accepted');
    expect(s.dropped).toEqual({ unknown_sid: 0, unknown_market: 1 });
  });

  it('a locked snapshot is live; a crossing one is not', () => {
    const s = new BookSync({ useYesPrice: true, declaredSidsOnly: true });
    s.assign(1, [BOS]);
    const locked = parseWsFrame(
      JSON.stringify({
        type: 'orderbook_snapshot',
        sid: 1,
        seq: 1,
        msg: {
          market_ticker: BOS,
          yes_dollars_fp: [['0.5000', '1.00']],
          no_dollars_fp: [['0.5000', '1.00']],
        },
      }),
    );
    if (!locked.ok) throw new Error(locked.error);
    expect(s.handle(locked.msg).outcome).toBe('accepted');
    expect(s.book(BOS).live).toBe(true);
    expect(s.handle(delta(2, BOS, '0.5100', '1.00')).outcome).toBe('rejected');
    expect(s.book(BOS).state).toBe('invalid');
  });
});
