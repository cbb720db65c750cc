/**
 * Issue 21, PnL as it arrives: the whole worker over the simulated exchange. A taker sells into
 * our Boston bid (a fill, stored by the session, its game indexed for the day); the game ends and
 * Kalshi settles (Boston wins); the worker's settlement poll stores the settlement; the daily
 * report from the store shows the realised PnL including the settlement wave, equal to what the
 * exchange paid less what the contracts cost, in JSON and HTML.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeDayReport } from '../../../scripts/report.ts';
import { tradingDay } from '../../../worker/engine/day-drawdown.ts';
import { BOS, EVENT, MIL, ours, sim, store, until, useWorkerHarness, worker } from '../worker-harness.ts';

useWorkerHarness();

describe('settlement wave × worker × simulator × store', () => {
  it('a fill, then the settlement: stored once, and the day report realises the wave net of fees', async () => {
    const w = await worker();
    await until(() => ours().some((o) => o.ticker === BOS && o.side === 'bid'), 'our Boston bid');
    const bid = ours().find((o) => o.ticker === BOS && o.side === 'bid')!;
    sim.admin.placeOrder('other', {
      ticker: BOS,
      side: 'ask',
      price: bid.price,
      count: 300,
      timeInForce: 'immediate_or_cancel',
      selfTradePrevention: 'taker_at_cross',
    });
    await until(async () => (await store.fills.listByGame(EVENT)).length > 0, 'the fill stored');
    const day = tradingDay(Date.now());
    await until(
      async () => (await store.gameDays!.games(day)).includes(EVENT),
      'the game indexed for the day',
    );

    // The game ends: Boston wins; Kalshi settles both markets.
    sim.admin.determine(BOS, 'yes');
    sim.admin.determine(MIL, 'no');
    const paid = sim.admin.settle(BOS).filter((s) => s.userId === 'maker');
    sim.admin.settle(MIL);
    expect(paid).toHaveLength(1);
    await w.pnl!.recorder.poll();
    const stored = await store.settlements!.listByGame(EVENT);
    expect(stored.map((s) => [s.ticker, s.result, s.value, s.position])).toEqual([
      [BOS, 'yes', 1_000_000, paid[0]!.position],
    ]);
    // A second poll stores nothing new.
    await w.pnl!.recorder.poll();
    expect(await store.settlements!.listByGame(EVENT)).toHaveLength(1);

    const fills = await store.fills.listByGame(EVENT);
    const cost = fills.reduce((s, f) => s + ((f.side === 'bid' ? 1 : -1) * (f.price * f.count)) / 100, 0);
    const fees = fills.reduce((s, f) => s + (f.fee ?? 0), 0);
    const dir = mkdtempSync(join(tmpdir(), 'pnl-report-'));
    try {
      const { report, json, html } = await writeDayReport(store, day, dir, Date.now());
      expect(report.counts).toEqual({ fills: fills.length, settlements: 1, games: 1 });
      expect(report.settlements).toBe(Math.round(paid[0]!.revenue - cost));
      expect(report.fees + fees).toBe(0);
      expect(Math.abs(report.realised - (paid[0]!.revenue - cost - fees))).toBeLessThanOrEqual(2);
      expect(report.bySport).toMatchObject([{ sport: 'nba', games: 1, realised: report.realised }]);
      expect(report.open).toEqual([]);
      expect(JSON.parse(readFileSync(json, 'utf8'))).toMatchObject({ day, realised: report.realised });
      const page = readFileSync(html, 'utf8');
      expect(page).toContain(`PnL for trading day ${day}`);
      expect(page).toContain(EVENT);
      expect(page).toContain('<svg');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
