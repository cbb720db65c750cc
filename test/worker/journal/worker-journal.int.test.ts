/**
 * The worker's session journal over real sockets (simulated Kalshi, local
 * DynamoDB): `startWorker({ journal })` journals what the session received
 * and decided — its start and stop, feed events, fills, books, order writes
 * and their answers — with no secret in it, and the journal replays through
 * a new TradingSession.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readJournal } from '../../../worker/journal/journal-reader.ts';
import { replaySession } from '../../../worker/replay/session-replay.ts';
import { BOS, KEY_ID, keys, ours, sim, until, useWorkerHarness, worker } from '../worker-harness.ts';

useWorkerHarness();

describe('startWorker with a session journal', () => {
  it('journals the session from start to stop, without a secret, and the journal replays through the session', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'worker-journal-'));
    const w = await worker([], {}, { journal: { dir } });
    await until(() => ours().length === 4, 'four resting quotes');
    const bid = ours().find((o) => o.ticker === BOS && o.side === 'bid')!;
    sim.admin.placeOrder('other', {
      ticker: BOS,
      side: 'ask',
      price: bid.price,
      count: 300,
      timeInForce: 'immediate_or_cancel',
      selfTradePrevention: 'taker_at_cross',
    });
    await until(() => w.session.position(BOS) === 300, 'the fill in inventory');
    await w.stop('test over');
    await w.close();

    const text = readdirSync(dir)
      .map((f) => gunzipSync(readFileSync(join(dir, f))).toString('utf8'))
      .join('');
    expect(text).not.toContain(keys.privateKey.split('\n')[1]!);
    expect(text).not.toContain(KEY_ID);
    const j = readJournal(dir);
    expect(j.badLines).toBe(0);
    const kinds = new Set(j.entries.map((e) => e.k));
    for (const k of ['head', 'mark', 'feed', 'book', 'call', 'ans', 'tick']) expect(kinds).toContain(k);
    const marks = j.entries.flatMap((e) => (e.k === 'mark' ? [e.m] : []));
    expect(marks).toEqual(['start', 'stop']);
    expect(j.entries.some((e) => e.k === 'feed' && e.e.type === 'fill' && e.e.ticker === BOS)).toBe(true);
    const creates = j.entries.filter((e) => e.k === 'call' && e.m === 'createOrders');
    expect(creates.length).toBeGreaterThan(0);

    // The replay builds the real session from the journal: it discovers, quotes and stops as recorded.
    const r = await replaySession(j.entries);
    expect(r.startError).toBeNull();
    expect(r.decisions.map((d) => d.m)).toContain('createOrders');
    expect(r.decisions.map((d) => d.m)).toContain('flatten');
    // The first quotes are the recorded ones, order for order (same client order ids, prices, sizes) …
    const firstReplayed = r.decisions.find((d) => d.m === 'createOrders')!;
    expect(firstReplayed.a).toEqual(creates[0]!.k === 'call' ? creates[0]!.a : null);
    // … and so is every decision after them, in order (times may shift: this run was on the wall clock).
    expect(r.firstDifference).toBeNull();
    expect(r.same).toBe(true);
    expect(r.decisions).toHaveLength(r.recordedDecisions);
  });
});
