import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { framesOfFile, replay } from '../../../worker/replay/replay.ts';

const root = resolve(import.meta.dirname, '../../..');
const fx = (n: string) => join(root, 'test/fixtures/kalshi', n);
const story = [
  'ws_subscribed_orderbook.json',
  'ws_orderbook_snapshot_bos.json',
  'ws_orderbook_snapshot_mil.json',
  'ws_orderbook_delta_seq3_own_order.json',
  'ws_orderbook_delta_seq4.json',
  'ws_orderbook_delta_seq5.json',
  'ws_orderbook_delta_seq6_level_cleared.json',
  'ws_fill.json',
];

describe('replay', () => {
  it('reproduces the reference books in the documented report format', () => {
    const frames = story.flatMap((f) => framesOfFile(readFileSync(fx(f), 'utf8')));
    const r = replay(frames, { useYesPrice: false });
    expect(r.frames).toEqual({ accepted: 6, rejected: 0, ignored: 2 });
    expect(r.resync_requests).toEqual([]);
    expect(r.books['KXNBAGAME-26NOV14BOSMIL-BOS']).toEqual({
      state: 'live',
      yes_bids: [
        [0.43, 180],
        [0.42, 500],
        [0.41, 250],
      ],
      yes_asks: [
        [0.46, 115],
        [0.47, 210],
        [0.48, 400],
        [0.49, 150],
      ],
    });
    expect(r.books['KXNBAGAME-26NOV14BOSMIL-MIL']?.yes_bids[0]).toEqual([0.54, 240]);
    expect(r.books['KXNBAGAME-26NOV14BOSMIL-MIL']?.yes_asks[0]).toEqual([0.56, 140]);
  });

  it('JSON lines: a non-JSON line is a rejected frame, blank lines are skipped', () => {
    const text = [
      readFileSync(fx('ws_orderbook_snapshot_bos.json'), 'utf8').replace(/\s+/g, ''),
      'not json at all',
      '',
      '{"type":"brand_new_type","sid":1}',
      '{"type":"orderbook_delta","sid":1,"seq":2,"msg":{"market_ticker":"KXNBAGAME-26NOV14BOSMIL-BOS"}}',
    ].join('\n');
    const frames = framesOfFile(text);
    expect(frames).toHaveLength(4);
    expect(replay(frames, { useYesPrice: false }).frames).toEqual({ accepted: 1, rejected: 2, ignored: 1 });
  });

  it('a gap shows as stale books and a subscription resync request', () => {
    const frames = [story[1]!, story[2]!, story[4]!].map((f) => readFileSync(fx(f), 'utf8'));
    const r = replay(frames, { useYesPrice: false });
    expect(r.books['KXNBAGAME-26NOV14BOSMIL-BOS']?.state).toBe('stale');
    expect(r.resync_requests).toEqual([
      {
        scope: 'subscription',
        sid: 1,
        markets: ['KXNBAGAME-26NOV14BOSMIL-BOS', 'KXNBAGAME-26NOV14BOSMIL-MIL'],
        reason: 'gap',
        expected_seq: 3,
        seq: 4,
      },
    ]);
  });

  it('never throws on arbitrary frames (fuzz into parser and books)', () => {
    const base = readFileSync(fx('ws_orderbook_snapshot_bos.json'), 'utf8');
    const deltaArb = fc.record({
      type: fc.constantFrom('orderbook_delta', 'orderbook_snapshot', 'fill', 'error'),
      sid: fc.integer({ min: 0, max: 3 }),
      seq: fc.integer({ min: 0, max: 20 }),
      msg: fc.record({
        market_ticker: fc.constantFrom('A', 'B', 'KXNBAGAME-26NOV14BOSMIL-BOS'),
        price_dollars: fc.oneof(fc.double({ noNaN: false }), fc.string(), fc.integer()),
        delta_fp: fc.oneof(fc.double(), fc.string(), fc.integer({ min: -1000, max: 1000 })),
        side: fc.constantFrom('yes', 'no', 'maybe'),
        yes_dollars_fp: fc.array(fc.tuple(fc.double({ min: -1, max: 2 }), fc.integer({ min: -5, max: 500 }))),
        code: fc.integer({ min: 0, max: 30 }),
      }),
    });
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.string(),
            deltaArb.map((d) => JSON.stringify(d)),
          ),
          { maxLength: 60 },
        ),
        (frames) => {
          const r = replay([base, ...frames], { useYesPrice: false });
          expect(r.frames.accepted + r.frames.rejected + r.frames.ignored).toBe(frames.length + 1);
          for (const b of Object.values(r.books)) {
            if (b.state !== 'live') continue;
            const bid = b.yes_bids[0]?.[0];
            const ask = b.yes_asks[0]?.[0];
            if (bid !== undefined && ask !== undefined) expect(bid).toBeLessThan(ask);
            for (const [, size] of [...b.yes_bids, ...b.yes_asks]) expect(size).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the CLI prints one JSON document and exits 0; an unreadable file exits non-zero', () => {
    const dir = mkdtempSync(join(tmpdir(), 'replay-'));
    const jsonl = join(dir, 'day.jsonl');
    writeFileSync(jsonl, story.map((f) => readFileSync(fx(f), 'utf8').replace(/\s+/g, '')).join('\n'));
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', 'worker/replay/main.ts', '--use-yes-price', jsonl],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    const doc = JSON.parse(out) as { frames: { accepted: number } };
    expect(doc.frames.accepted).toBeGreaterThan(0);
    const bad = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'worker/replay/main.ts', join(dir, 'missing.jsonl')],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('cannot read');
  });
});
