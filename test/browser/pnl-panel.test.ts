/**
 * The trading-day panel in Chromium: the day's PnL from the record with the open positions marked
 * at theo (and how many had no theo), and the calibration of the day's games — the Brier scores of
 * our theo, Pinnacle alone and the plain average of books, and our theo's buckets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDayReport } from '../../shared/pnl/day-report.ts';
import type { DayPnlState } from '../../worker/cash/day-pnl-watch.ts';
import { withDayPnlPanel } from '../../worker/dashboard/pnl-panel.ts';
import { type DashboardServer, startDashboard } from '../../worker/dashboard/server.ts';
import { tradingDay } from '../../worker/engine/day-drawdown.ts';
import { FakeDesk } from '../worker/dashboard/fixtures.ts';
import { type Browser, launchBrowser } from './chromium.ts';
import { watchProblems } from './support.ts';

const GAME = 'KXNBAGAME-26NOV25ATLBKN';
const OPEN = 'KXNHLGAME-26NOV25BOSNYR';
const at = (h: number) => Date.UTC(2026, 10, 25, h);

let server: DashboardServer;
let browser: Browser;
const problems: string[] = [];

beforeAll(async () => {
  const report = await buildDayReport(
    {
      games: async (day) => (day === '2026-11-25' ? [GAME, OPEN] : []),
      fills: async (g) =>
        g === OPEN
          ? [1, 2].map((i) => ({
              tradeId: `o${i}`,
              orderId: `oo${i}`,
              ticker: `${OPEN}-${i === 1 ? 'BOS' : 'NYR'}`,
              eventTicker: OPEN,
              side: 'bid' as const,
              price: 500_000,
              count: 200,
              ts: at(23),
            }))
          : [],
      settlements: async () => [],
      theoStop: async (g) =>
        g === GAME
          ? {
              eventTicker: GAME,
              sport: 'nba',
              stopAtMs: at(23),
              books: 3,
              markets: [
                { ticker: `${GAME}-ATL`, theo: 0.45, result: 'no', pinnacle: 0.4, average: 0.5 },
                { ticker: `${GAME}-BKN`, theo: 0.55, result: 'yes', pinnacle: 0.6, average: 0.5 },
              ],
            }
          : null,
      // Boston at 60 %: 2 contracts bought at 50¢ → +$0.20; the Rangers have no theo.
      marks: async (g) => new Map(g === OPEN ? [[`${OPEN}-BOS`, 0.6]] : []),
    },
    '2026-11-25',
    { dayOf: (ms) => tradingDay(ms), sportOf: () => 'nba', now: at(24) },
  );
  const state: DayPnlState = { report, error: null };
  const desk = new FakeDesk();
  server = await startDashboard({
    source: withDayPnlPanel(desk, { state: () => state, onChange: () => () => {} }),
    actions: desk,
    token: 'browser-token-0123456789abcdef',
    pushIntervalMs: 50,
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('trading-day panel in Chromium', () => {
  it('shows the marked open positions, the three Brier scores and the calibration buckets', async () => {
    const page = await browser.context.newPage();
    watchProblems(page, problems);
    await page.goto(server.url);
    await expect.poll(() => page.getByTestId('pnl-day').textContent()).toBe('2026-11-25');
    expect(await page.getByTestId('pnl-day-marked').textContent()).toBe('$0.20');
    expect(await page.getByTestId('pnl-day-note').textContent()).toContain(
      '2 open positions (1 without a theo, not marked)',
    );
    expect(await page.getByTestId('pnl-day-brier').textContent()).toBe(
      'Brier (theo at the stop vs outcomes, 1 game): our theo 0.2025 (2) · Pinnacle 0.1600 (2) · plain average 0.2500 (2)',
    );
    expect(await page.getByTestId('pnl-day-calibration').isVisible()).toBe(true);
    expect(await page.locator('[data-testid="pnl-day-calibration-row"] td').allTextContents()).toEqual([
      ...['40–50 %', '1', '45.0 %', '0.0 %'],
      ...['50–60 %', '1', '55.0 %', '100.0 %'],
    ]);
    expect(problems).toEqual([]);
    await page.close();
  });
});
