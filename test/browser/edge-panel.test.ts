/**
 * The edge panel in Chromium: the fill-edge tracker's rolling tables over a dashboard — hidden
 * without a tracker, then per fill the edge against theo and mid, and the markouts as they come in,
 * signed (+ good for us) and coloured.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/clock.ts';
import { FillEdgeTracker, type SessionForEdge } from '../../worker/cash/fill-edge.ts';
import { withEdgePanel } from '../../worker/dashboard/edge-panel.ts';
import { type DashboardServer, startDashboard } from '../../worker/dashboard/server.ts';
import type { SessionEvent } from '../../worker/engine/session.ts';
import { FakeDesk } from '../worker/dashboard/fixtures.ts';
import { recordingMetrics } from '../worker/engine/support.ts';
import { type Browser, launchBrowser } from './chromium.ts';
import { watchProblems } from './support.ts';

const TOKEN = 'browser-token-0123456789abcdef';
const c = (cents: number) => cents * 10_000;
const TICKER = 'KXNBAGAME-26NOV25BOSMIL-BOS';
const market = {
  ticker: TICKER,
  theo: 0.6,
  bestBid: c(57),
  bestAsk: c(61),
  modeBid: 'competitive',
  modeAsk: null,
};
const listeners = new Set<(e: SessionEvent) => void>();
const session: SessionForEdge = {
  snapshot: () => ({ games: [{ sport: 'nba', markets: [{ ...market }] }] }),
  onEvent: (l) => {
    listeners.add(l);
    return () => listeners.delete(l);
  },
};
const clock = new ManualClock(Date.UTC(2026, 10, 25, 23));
const tracker = new FillEdgeTracker({ clock, session, metrics: recordingMetrics() });

let server: DashboardServer;
let bare: DashboardServer;
let browser: Browser;
const problems: string[] = [];

beforeAll(async () => {
  const desk = new FakeDesk();
  server = await startDashboard({
    source: withEdgePanel(desk, tracker),
    actions: desk,
    token: TOKEN,
    pushIntervalMs: 50,
  });
  bare = await startDashboard({ source: desk, actions: desk, token: TOKEN, pushIntervalMs: 50 });
  browser = await launchBrowser();
});

afterAll(async () => {
  tracker.close();
  await browser?.close();
  await server?.close();
  await bare?.close();
});

async function open(url: string): Promise<Page> {
  const page = await browser.context.newPage();
  watchProblems(page, problems);
  await page.goto(url);
  await page.getByTestId('game-card').first().waitFor();
  return page;
}

const cells = (page: Page, key: string) =>
  page.locator(`[data-testid="edge-row"][data-key="${key}"] td`).allTextContents();

describe('edge panel in Chromium', () => {
  it('is hidden on a dashboard without a tracker', async () => {
    const page = await open(bare.url);
    expect(await page.getByTestId('edge-panel').isHidden()).toBe(true);
    await page.close();
  });

  it('shows each fill’s edge against theo and mid, then its markouts as they arrive', async () => {
    const page = await open(server.url);
    expect(await page.getByTestId('edge-panel').isVisible()).toBe(true);
    expect(await page.getByTestId('edge-row').count()).toBe(0);
    for (const l of listeners)
      l({
        type: 'fill',
        fill: {
          atMs: clock.now(),
          eventTicker: 'KXNBAGAME-26NOV25BOSMIL',
          ticker: TICKER,
          side: 'bid',
          price: c(58),
          count: 1_000,
          tradeId: 't1',
        },
      });
    // Bought at 58¢: +2¢ against theo 60¢, +1¢ against mid 59¢; no markout yet.
    await expect
      .poll(() => cells(page, 'all'))
      .toEqual(['all', '1', '10', '2.00', '1.00', '–', '–', '–', '–']);
    expect(await cells(page, 'nba')).toEqual(['nba', '1', '10', '2.00', '1.00', '–', '–', '–', '–']);
    expect(await page.locator('[data-key="bid competitive"]').count()).toBe(1);
    expect(await page.locator('[data-key="10-99"]').count()).toBe(1);

    market.theo = 0.55;
    market.bestBid = c(54);
    market.bestAsk = c(56);
    clock.advance(10_000);
    await expect
      .poll(() => cells(page, 'all'))
      .toEqual(['all', '1', '10', '2.00', '1.00', '-3.00', '–', '–', '–']);
    const adverse = page.locator('[data-key="all"] td').nth(5);
    expect(await adverse.getAttribute('class')).toContain('neg');
    clock.advance(290_000);
    await expect
      .poll(() => cells(page, 'all'))
      .toEqual(['all', '1', '10', '2.00', '1.00', '-3.00', '-3.00', '-3.00', '-3.00']);
    expect(problems).toEqual([]);
    await page.close();
  });
});
