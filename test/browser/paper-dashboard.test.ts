/**
 * The dashboard of the real paper stack (simulators, odds poll, worker) in
 * Chromium: games appear with our quotes and inventory, the page updates live,
 * the kill button is refused without the token (the exchange still holds our
 * orders) and with it the kill switch runs until the simulator holds no
 * resting order of ours. Saves test-artifacts/dashboard.png.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaperStack } from '../../scripts/paper/stack.ts';
import { MAKER_USER } from '../../sim/main.ts';
import type { Browser } from './chromium.ts';
import { openWatchedPage, startQuietEvening } from './support.ts';

const artifacts = resolve(import.meta.dirname, '../../test-artifacts');
let stack: PaperStack;
let browser: Browser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  stack = await startQuietEvening({ host: '127.0.0.1', port: 0 });
  ({ browser, page } = await openWatchedPage(problems));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop('test over');
});

const resting = () => stack.sim!.kalshi.admin.restingOrders(MAKER_USER).length;

describe('paper dashboard in Chromium', () => {
  it('shows the scenario games with our quotes, books and inventory, updating live', async () => {
    await page.goto(stack.dashboard!.url);
    await page.getByTestId('game-card').first().waitFor();
    expect(await page.getByTestId('game-card').count()).toBe(stack.sim!.world.games.length);
    // Our quotes show up once the first theos are read and the books are in.
    await expect
      .poll(() => page.locator('[data-testid="our-bid"]:not(.none)').count(), { timeout: 20_000 })
      .toBeGreaterThan(0);
    expect(await page.getByTestId('inventory').first().textContent()).toMatch(/^inv [+−]?[\d.]+ \/ [\d.]+$/);
    expect(await page.getByTestId('conn-state').textContent()).toBe('connected');
    const t0 = await page.evaluate(() => document.body.dataset.updated);
    await expect
      .poll(() => page.evaluate(() => document.body.dataset.updated), { timeout: 5_000 })
      .not.toBe(t0);
    expect(resting()).toBeGreaterThan(0);
    // The cash panel: the worker's reading of the simulated account (issue 21).
    await expect
      .poll(() => page.getByTestId('cash-balance').textContent(), { timeout: 10_000 })
      .toMatch(/^\$\d+\.\d\d$/);
    const balance = Number((await page.getByTestId('cash-balance').textContent())!.slice(1));
    // Fills move the balance between the worker's poll and now: the same account, within 5 %.
    const exchange = stack.sim!.kalshi.admin.totalBalance(MAKER_USER) / 1_000_000;
    expect(Math.abs(balance - exchange) / exchange).toBeLessThan(0.05);
    // The edge panel (issue 21): the worker's fill-edge tracker is wired in paper mode.
    expect(await page.getByTestId('edge-panel').isVisible()).toBe(true);
    // The trading day's PnL from the stored record (the daily report's figures).
    await expect
      .poll(() => page.getByTestId('pnl-day').textContent(), { timeout: 10_000 })
      .toMatch(/^\d{4}-\d\d-\d\d$/);
    expect(await page.getByTestId('pnl-day-realised').textContent()).toMatch(/^−?\$\d+\.\d\d$/);
    await page.waitForTimeout(2_000); // some chart history for the screenshot
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'dashboard.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('pause with the token halts one game: its orders leave the exchange; resume brings quotes back', async () => {
    await page.getByTestId('token-input').fill(stack.token!);
    await page.getByTestId('token-input').dispatchEvent('change');
    const world = stack.sim!.world;
    const game = world.games[world.games.length - 1]!; // the latest start: still well before its stop time
    const tickers = new Set(game.markets.map((m) => m.ticker));
    const ofGame = () =>
      stack.sim!.kalshi.admin.restingOrders(MAKER_USER).filter((o) => tickers.has(o.ticker)).length;
    await expect.poll(ofGame, { timeout: 20_000 }).toBeGreaterThan(0);
    const card = page.locator(`[data-game-id="${game.eventTicker}"]`);
    await card.getByTestId('pause-button').click();
    await expect.poll(() => page.getByTestId('action-status').textContent()).toMatch(/: paused/);
    await expect.poll(() => card.getByTestId('game-state').textContent(), { timeout: 10_000 }).toBe('paused');
    await expect.poll(ofGame, { timeout: 15_000 }).toBe(0);
    expect(resting()).toBeGreaterThan(0); // the other games keep quoting
    await card.getByTestId('pause-button').click();
    await expect
      .poll(() => card.getByTestId('game-state').textContent(), { timeout: 10_000 })
      .toBe('quoting');
    await expect.poll(ofGame, { timeout: 20_000 }).toBeGreaterThan(0);
  });

  it('kill without the token is refused and changes nothing; with it nothing of ours rests', async () => {
    await page.getByTestId('token-input').fill('');
    await page.getByTestId('token-input').dispatchEvent('change');
    await page.getByTestId('kill-button').click();
    await page.getByTestId('kill-button').click();
    await expect.poll(() => page.getByTestId('action-status').textContent()).toMatch(/kill refused \(401\)/);
    expect(stack.view().killed).toBe(false);
    expect(resting()).toBeGreaterThan(0);

    await page.getByTestId('token-input').fill(stack.token!);
    await page.getByTestId('token-input').dispatchEvent('change');
    await page.getByTestId('kill-button').click();
    await page.getByTestId('kill-button').click();
    await expect.poll(() => page.getByTestId('action-status').textContent()).toMatch(/kill switch engaged/);
    await expect.poll(() => page.locator('#banner').textContent(), { timeout: 10_000 }).toMatch(/KILLED/);
    await expect.poll(resting, { timeout: 30_000 }).toBe(0);
    await expect.poll(() => stack.view().killPhase, { timeout: 30_000 }).toBe('flat');
    expect((await stack.store.kill.active()).map((f) => f.scope)).toContain('global');
    expect(problems).toEqual([]);
  });
});
