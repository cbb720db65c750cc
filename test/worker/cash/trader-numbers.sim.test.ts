/**
 * Issue 21's "done when", on the whole worker over the simulated exchange and local DynamoDB: a
 * game is quoted, filled, stops and settles. Then the operator's dashboard (`npm run dashboard --
 * --stage local`, reading what the worker stored and published) and the daily report
 * (`npm run report`) both show the cash and buying power, the realised PnL including the
 * settlement wave, the markouts of the fill and the calibration table of the game — against our
 * theo, Pinnacle alone and the plain average of books. (The cash floor being crossed on a run-down
 * balance is cash-floor.sim.test.ts.)
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startOperatorDashboard } from '../../../scripts/dashboard.ts';
import { writeDayReport } from '../../../scripts/report.ts';
import type { DashboardState } from '../../../worker/dashboard/view-model.ts';
import { tradingDay } from '../../../worker/engine/day-drawdown.ts';
import {
  BOS,
  dynamo,
  EVENT,
  MIL,
  ours,
  START,
  sim,
  store,
  until,
  useWorkerHarness,
  worker,
} from '../worker-harness.ts';

useWorkerHarness();

describe('the trader numbers × worker × simulator × store', () => {
  it('a quoted, filled, stopped and settled game shows on the operator dashboard and in the daily report', async () => {
    // The harness's theo (Boston 60 %) with the books behind it: Pinnacle 64 %, the plain average 58 %.
    await store.theos.put({
      eventId: 'odds-bos-mil',
      sportKey: 'basketball_nba',
      homeTeam: 'Milwaukee Bucks',
      awayTeam: 'Boston Celtics',
      commenceTime: START,
      outcomes: [
        { name: 'Boston Celtics', probability: 0.6 },
        { name: 'Milwaukee Bucks', probability: 0.4 },
      ],
      method: 'test',
      booksUsed: ['pinnacle', 'draftkings', 'fanduel'],
      booksDropped: 0,
      asOf: Date.now() + 1,
      source: 'poll',
      bookFair: [
        { key: 'pinnacle', probabilities: [0.64, 0.36] },
        { key: 'draftkings', probabilities: [0.55, 0.45] },
        { key: 'fanduel', probabilities: [0.55, 0.45] },
      ],
    });
    // The game stops 20 s from now (its start less the stop margin): quoted, filled, then stopped.
    const stopAt = Date.now() + 20_000;
    const w = await worker(
      [],
      { stopMarginMs: START - stopAt, stopLeadMs: 1_000, cash: { pollMs: 200 } },
      { liveSnapshotMs: 300 },
    );
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
    // The first markout horizon (10 s on the worker's clock) passes.
    await until(() => w.edge.tables().all?.markout['10s'].theo !== null, 'the 10 s markout', 20_000);
    await until(() => Date.now() > stopAt, 'the stop', 25_000);

    // Boston wins; Kalshi settles; the worker records the settlement, the theo at the stop and the results.
    sim.admin.determine(BOS, 'yes');
    sim.admin.determine(MIL, 'no');
    const paid = sim.admin.settle(BOS).filter((s) => s.userId === 'maker');
    sim.admin.settle(MIL);
    await w.pnl!.recorder.poll();
    await w.pnl!.stops!.pass();
    const stop = await store.theoStops!.get(EVENT);
    expect(stop?.markets.map((m) => [m.ticker, m.theo, m.pinnacle, m.result])).toEqual([
      [BOS, 0.6, 0.64, 'yes'],
      [MIL, 0.4, 0.36, 'no'],
    ]);
    const day = tradingDay(stopAt);
    const fills = await store.fills.listByGame(EVENT);
    const cost = fills.reduce((s, f) => s + ((f.side === 'bid' ? 1 : -1) * (f.price * f.count)) / 100, 0);

    // The operator's dashboard of the stage, from what the worker stored and published.
    const dash = await startOperatorDashboard(
      {
        stage: 'local',
        endpoint: dynamo.endpoint,
        table: dynamo.tableName,
        port: 0,
        host: '127.0.0.1',
        'poll-ms': 500,
      },
      { operator: 'alice@test' },
    );
    try {
      const state = async () =>
        (
          (await (await fetch(`${new URL(dash.server.url).origin}/api/state`)).json()) as {
            state: DashboardState;
          }
        ).state;
      await until(async () => {
        const s = await state();
        return (
          s.cash?.balance === w.cash.state().view?.balance &&
          !!s.edge?.all &&
          !!s.pnlDay &&
          s.pnlDay.settlements !== 0
        );
      }, 'cash, edge and the day on the operator dashboard');
      const s = await state();
      // Cash and buying power: the worker's reading of the account, after the settlement paid.
      expect(s.cash!.balance).toBeGreaterThan(0);
      expect(s.cash!.buyingPower).toBeGreaterThan(0);
      expect(s.cash!.buyingPower).toBeLessThanOrEqual(s.cash!.balance);
      // The fill's edge against theo at the fill, and its 10 s markout.
      expect(s.edge!.all!.contracts).toBe(fills.reduce((n, f) => n + f.count, 0));
      expect(s.edge!.all!.edge.theo).toBe(Math.round(w.edge.tables().all!.edge.theo!));
      expect(s.edge!.all!.markout['10s'].theo).not.toBeNull();
      // Realised PnL with the settlement wave: what the exchange paid less what the contracts cost.
      expect(s.pnlDay!.day).toBe(day);
      expect(s.pnlDay!.settlements).toBe(Math.round(paid[0]!.revenue - cost));
      // The calibration of the game: Boston won at 60 %, Pinnacle 64 %, the plain average 58 %.
      const brier = Object.fromEntries(s.pnlDay!.calibration!.scores.map((x) => [x.against, x.brier]));
      expect(brier.theo).toBeCloseTo(0.4 ** 2, 12);
      expect(brier.pinnacle).toBeCloseTo(0.36 ** 2, 12);
      expect(brier.average).toBeCloseTo((1 - (0.64 + 0.55 + 0.55) / 3) ** 2, 12);
      expect(s.pnlDay!.calibration!.table.map((r) => [r.lo, r.n, r.winRate])).toEqual([
        [0.4, 1, 0],
        [0.6, 1, 1],
      ]);
    } finally {
      await dash.close();
    }

    // The daily report: the same day, the same wave, the calibration tables side by side.
    const dir = mkdtempSync(join(tmpdir(), 'trader-numbers-'));
    try {
      const { report, html } = await writeDayReport(store, day, dir, Date.now());
      expect(report.settlements).toBe(Math.round(paid[0]!.revenue - cost));
      expect(report.calibration).toMatchObject({ games: 1, markets: 2, unresolved: 0 });
      expect(report.calibration!.books.pinnacle.markets).toBe(2);
      const page = readFileSync(html, 'utf8');
      expect(page).toContain('data-testid="brier-theo">0.1600<');
      expect(page).toContain('data-testid="brier-pinnacle">0.1296<');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
