/**
 * The dashboard in a real browser against an in-memory desk: it loads under
 * the strict CSP, shows games with quotes and inventory, updates live, and the
 * kill button is refused without the token and works with it.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DashboardServer, startDashboard } from '../../worker/dashboard/server.ts';
import { FakeDesk } from '../worker/dashboard/fixtures.ts';
import { type Browser, launchBrowser } from './chromium.ts';
import { watchProblems } from './support.ts';

const TOKEN = 'browser-token-0123456789abcdef';
const artifacts = resolve(import.meta.dirname, '../../test-artifacts');

let desk: FakeDesk;
let server: DashboardServer;
let browser: Browser;
let ticker: NodeJS.Timeout;
const problems: string[] = [];

beforeAll(async () => {
  desk = new FakeDesk();
  server = await startDashboard({ source: desk, actions: desk, token: TOKEN, pushIntervalMs: 50 });
  ticker = setInterval(() => desk.tick(), 150);
  browser = await launchBrowser();
});

afterAll(async () => {
  clearInterval(ticker);
  await browser?.close();
  await server?.close();
});

async function open(url: string): Promise<Page> {
  const page = await browser.context.newPage();
  watchProblems(page, problems);
  await page.goto(url);
  return page;
}

describe('dashboard in Chromium', () => {
  it('loads under the CSP and shows every game with its quotes, book, inventory and theo', async () => {
    const page = await open(server.url);
    await page.getByTestId('game-card').first().waitFor();
    expect(await page.getByTestId('game-card').count()).toBe(2);
    const second = page.locator('[data-game-id="NBA2"]');
    await expect.poll(() => second.getByTestId('our-bid').first().textContent()).toBe('46¢×5');
    expect(await second.getByTestId('our-ask').first().textContent()).toBe('50¢×5');
    expect(await second.getByTestId('inventory').textContent()).toBe('inv 0 / 50');
    expect(await second.getByTestId('theo').textContent()).toContain('5 books');
    expect(await second.locator('.title').textContent()).toBe('Denver Nuggets at Phoenix Suns');
    expect(await page.getByTestId('conn-state').textContent()).toBe('connected');
    // uPlot drew its three charts for the selected game.
    expect(await page.locator('.uplot canvas').count()).toBe(3);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('updates live without reloads: fills tape grows, inventory and theo move', async () => {
    const page = await open(server.url);
    const first = page.locator('[data-game-id="NBA1"]');
    await first.getByTestId('inventory').waitFor();
    const inv0 = await first.getByTestId('inventory').textContent();
    const marker = await page.evaluate(() => {
      (window as unknown as { marker: number }).marker = 42; // survives only without a reload
      return document.body.dataset.updated;
    });
    await expect
      .poll(() => page.evaluate(() => document.body.dataset.updated), { timeout: 5000 })
      .not.toBe(marker);
    await expect.poll(() => first.getByTestId('inventory').textContent(), { timeout: 5000 }).not.toBe(inv0);
    await expect
      .poll(() => page.getByTestId('fills-tape').locator('tr').count(), { timeout: 5000 })
      .toBeGreaterThan(1);
    expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(42);
    mkdirSync(artifacts, { recursive: true });
    await page.waitForTimeout(1500); // a little chart history for the screenshot
    await page.screenshot({ path: join(artifacts, 'dashboard-fake-desk.png'), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('chart legends show the latest values, and the time in the game’s zone and UTC', async () => {
    const page = await open(server.url);
    await page.getByTestId('game-card').first().waitFor();
    const legend = page.locator('#chart-price .u-legend');
    // theo, our bid and ask, best bid and ask: values, not uPlot's "—", with the cursor off the chart.
    await expect
      .poll(
        async () =>
          (await legend.locator('.u-series:not(:first-child) .u-value').allTextContents()).join(' '),
        {
          timeout: 5000,
        },
      )
      .toMatch(/^\d+(\.\d)?¢ \d+(\.\d)?¢ \d+(\.\d)?¢ \d+(\.\d)?¢ \d+(\.\d)?¢$/);
    const time = await legend.locator('.u-series:first-child .u-value').textContent();
    // FakeDesk games have no zone: US Eastern, 5 hours behind UTC in November.
    const m = /^(\d\d):(\d\d):(\d\d) New York · (\d\d):(\d\d):(\d\d) UTC$/.exec(time ?? '');
    expect(m, String(time)).not.toBeNull();
    expect((Number(m![4]) - Number(m![1]) + 24) % 24).toBe(5);
    expect(
      await page.locator('#chart-inventory .u-legend .u-series:nth-child(2) .u-value').textContent(),
    ).toMatch(/^-?\d+(\.\d+)?$/);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('pause needs the token; with it the game stops quoting and resumes', async () => {
    const page = await open(server.url);
    const second = page.locator('[data-game-id="NBA2"]');
    await second.getByTestId('pause-button').click();
    await expect.poll(() => page.getByTestId('action-status').textContent()).toMatch(/refused \(401\)/);
    expect(desk.calls).toEqual([]);
    await page.getByTestId('token-input').fill(TOKEN);
    await page.getByTestId('token-input').dispatchEvent('change');
    await second.getByTestId('pause-button').click();
    await expect.poll(() => second.getByTestId('game-state').textContent()).toBe('paused');
    expect(await second.getByTestId('our-bid').first().textContent()).toBe('—');
    await second.getByTestId('pause-button').click();
    await expect.poll(() => second.getByTestId('game-state').textContent()).toBe('quoting');
    expect(desk.calls).toEqual(['pause:NBA2', 'resume:NBA2']);
    await page.close();
  });

  it('shows the quoting reason of each game as text, idle-by-design apart from the stops the liveness alarm watches', async () => {
    const page = await open(server.url);
    const first = page.locator('[data-game-id="NBA1"]');
    const state = first.getByTestId('game-state');
    const g = desk.state.games.find((x) => x.id === 'NBA1')!;
    for (const [reason, text, kind] of [
      ['no-theo', 'no theo', 'expected'],
      ['outside-window', 'outside window', 'expected'],
      ['group-tripped', 'order group tripped', 'unexpected'],
      ['writes-refused', 'writes refused', 'unexpected'],
      ['some-new-reason', 'some-new-reason', 'unexpected'], // not in the closed set: shown as sent, flagged
      ['quoting', 'quoting', 'ok'],
    ] as const) {
      g.state = reason;
      await expect.poll(() => state.textContent()).toBe(text);
      expect(await state.getAttribute('class'), reason).toMatch(new RegExp(`\\b${kind}\\b`));
      expect(await state.getAttribute('title')).toBe(reason);
    }
    expect(problems).toEqual([]);
    await page.close();
  });

  it('kill is refused without the token and changes nothing; with the token it withdraws every quote', async () => {
    const page = await open(server.url);
    await page.getByTestId('game-card').first().waitFor();
    await page.evaluate(() => sessionStorage.clear());
    await page.getByTestId('token-input').fill('');
    await page.getByTestId('kill-button').click();
    await page.getByTestId('kill-button').click(); // confirm
    await expect.poll(() => page.getByTestId('action-status').textContent()).toMatch(/kill refused \(401\)/);
    await page.getByTestId('token-input').fill('not-the-token-at-all');
    await page.getByTestId('kill-button').click();
    await page.getByTestId('kill-button').click();
    await expect.poll(() => page.getByTestId('action-status').textContent()).toMatch(/kill refused \(403\)/);
    expect(desk.state.killed).toBe(false);
    expect(desk.restingQuotes()).toBeGreaterThan(0);

    // The token handed over in the URL fragment, as printed by `npm start`.
    const withToken = await open(`${server.url}#token=${TOKEN}`);
    expect(withToken.url()).not.toContain(TOKEN); // stripped from the address bar
    await withToken.getByTestId('kill-button').click();
    await withToken.getByTestId('kill-button').click();
    await expect
      .poll(() => withToken.getByTestId('action-status').textContent())
      .toMatch(/kill switch engaged/);
    expect(desk.state.killed).toBe(true);
    expect(desk.restingQuotes()).toBe(0);
    await expect.poll(() => withToken.locator('#banner').textContent()).toMatch(/KILLED/);
    await expect.poll(() => page.locator('#banner').isVisible()).toBe(true); // the other tab sees it live
    expect(problems).toEqual([]);
  });
});
