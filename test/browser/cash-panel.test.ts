/**
 * The cash panel in Chromium: hidden where nobody watches cash; with the worker's cash watch it
 * shows balance, what positions and resting orders tie up, buying power against the floor, and
 * flags a reading below the floor and a failed poll (keeping the last figures).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountReading } from '../../shared/account/cash.ts';
import { ManualClock } from '../../shared/clock.ts';
import { CashWatch } from '../../worker/cash/cash-watch.ts';
import { withCashPanel } from '../../worker/dashboard/cash-panel.ts';
import { type DashboardServer, startDashboard } from '../../worker/dashboard/server.ts';
import { FakeDesk } from '../worker/dashboard/fixtures.ts';
import { drain, recordingLog, recordingMetrics } from '../worker/engine/support.ts';
import { type Browser, launchBrowser } from './chromium.ts';
import { watchProblems } from './support.ts';

const TOKEN = 'browser-token-0123456789abcdef';
const dollars = (n: number) => n * 1_000_000;
const acct = { balance: dollars(1_234.5), fail: null as string | null };
const desk = new FakeDesk();
/** The reading is 3 s older than the desk's clock. */
const clock = new ManualClock(desk.state.now - 3_000);
const watch = new CashWatch({
  clock,
  reader: {
    read: async (): Promise<AccountReading> => {
      if (acct.fail) throw new Error(acct.fail);
      return {
        balance: acct.balance,
        shards: [],
        positions: [{ ticker: 'A', position: 1_000, exposure: dollars(4) }],
        orders: [{ side: 'bid', price: 500_000, remaining: 2_000 }],
      };
    },
  },
  config: { pollMs: 1_000, floorDollars: 500 },
  metrics: recordingMetrics(),
  log: recordingLog(),
});

let withCash: DashboardServer;
let without: DashboardServer;
let browser: Browser;
const problems: string[] = [];

beforeAll(async () => {
  withCash = await startDashboard({
    source: withCashPanel(desk, watch),
    actions: desk,
    token: TOKEN,
    pushIntervalMs: 50,
  });
  without = await startDashboard({ source: desk, actions: desk, token: TOKEN, pushIntervalMs: 50 });
  browser = await launchBrowser();
});

afterAll(async () => {
  watch.stop();
  await browser?.close();
  await withCash?.close();
  await without?.close();
});

async function open(url: string): Promise<Page> {
  const page = await browser.context.newPage();
  watchProblems(page, problems);
  await page.goto(url);
  await page.getByTestId('game-card').first().waitFor();
  return page;
}

const text = (page: Page, id: string) => page.getByTestId(id).textContent();

describe('cash panel in Chromium', () => {
  it('is hidden on a dashboard without a cash watch', async () => {
    const page = await open(without.url);
    expect(await page.getByTestId('cash-panel').isHidden()).toBe(true);
    await page.close();
  });

  it('says "not read yet", then shows the figures, then flags the floor and a failed poll live', async () => {
    const page = await open(withCash.url);
    expect(await page.getByTestId('cash-panel').isVisible()).toBe(true);
    expect(await text(page, 'cash-note')).toBe('not read yet');

    watch.start();
    await drain();
    await expect.poll(() => text(page, 'cash-balance')).toBe('$1234.50');
    expect(await text(page, 'cash-positions')).toBe('$4.00');
    expect(await text(page, 'cash-orders')).toBe('$10.00');
    expect(await text(page, 'cash-buying-power')).toBe('$1224.50');
    expect(await text(page, 'cash-floor')).toBe('$500.00');
    expect(await page.getByTestId('cash-buying-power').getAttribute('class')).toBe('pos');
    expect(await text(page, 'cash-note')).toBe('read 3s ago');

    acct.balance = dollars(300);
    await watch.poll();
    await expect.poll(() => text(page, 'cash-buying-power')).toBe('$290.00');
    expect(await page.getByTestId('cash-buying-power').getAttribute('class')).toBe('neg');
    expect(await text(page, 'cash-note')).toContain('BELOW THE FLOOR');

    acct.fail = 'HTTP 503';
    await watch.poll();
    await expect.poll(() => text(page, 'cash-note')).toContain('last poll failed: HTTP 503');
    expect(await text(page, 'cash-balance')).toBe('$300.00');
    expect(problems).toEqual([]);
    await page.close();
  });
});
