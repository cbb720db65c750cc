/**
 * `npm run dashboard -- --stage local` against the paper stack's local
 * DynamoDB, in Chromium: the worker's live snapshots show every scenario game
 * with quotes and inventory and the shard's heartbeat and lease; pause goes
 * through the store's flag (the worker pulls that game's orders); kill and
 * resume go through the kill-switch invoke (a local stand-in recording the
 * requests the Lambda would get) and the worker flattens.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KillSwitchRequest } from '../../scripts/dashboard/desk.ts';
import { localKillSwitch } from '../../scripts/dashboard/local-kill-switch.ts';
import { type OperatorDashboard, startOperatorDashboard } from '../../scripts/dashboard.ts';
import type { PaperStack } from '../../scripts/paper/stack.ts';
import { MAKER_USER } from '../../sim/main.ts';
import type { Browser } from './chromium.ts';
import { openWatchedPage, startQuietEvening } from './support.ts';

const artifacts = resolve(import.meta.dirname, '../../test-artifacts');
let stack: PaperStack;
let dash: OperatorDashboard;
let browser: Browser;
let page: Page;
const invoked: KillSwitchRequest[] = [];
const problems: string[] = [];

beforeAll(async () => {
  stack = await startQuietEvening(null);
  const local = stack.localDynamo!;
  dash = await startOperatorDashboard(
    {
      stage: 'local',
      endpoint: local.endpoint,
      table: local.tableName,
      port: 0,
      host: '127.0.0.1',
      'poll-ms': 1_000,
    },
    { invoker: localKillSwitch(stack.store.kill, Date.now, (r) => invoked.push(r)), operator: 'alice@test' },
  );
  ({ browser, page } = await openWatchedPage(problems));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await dash?.close();
  await stack?.stop('test over');
});

const resting = () => stack.sim!.kalshi.admin.restingOrders(MAKER_USER).length;

async function useToken(token: string): Promise<void> {
  await page.getByTestId('token-input').fill(token);
  await page.getByTestId('token-input').dispatchEvent('change');
}

describe('operator dashboard (--stage local) in Chromium', () => {
  it('shows every game of the paper stack from DynamoDB, with quotes, inventory, the shard heartbeat and lease', async () => {
    await page.goto(dash.server.url);
    // The worker publishes every 5 s (wall time).
    await expect
      .poll(() => page.getByTestId('game-card').count(), { timeout: 30_000 })
      .toBe(stack.sim!.world.games.length);
    await expect
      .poll(() => page.locator('[data-testid="our-bid"]:not(.none)').count(), { timeout: 30_000 })
      .toBeGreaterThan(0);
    expect(await page.getByTestId('inventory').first().textContent()).toMatch(/^inv [+−]?[\d.]+ \/ [\d.]+$/);
    await expect.poll(() => page.getByTestId('shard').count()).toBe(1);
    expect(await page.getByTestId('shard').first().textContent()).toMatch(
      /shard paper · heartbeat .* ago · lease|no lease/,
    );
    expect(await page.locator('#mode').textContent()).toBe('paper · simulator');
    // The trader's numbers (issue 21): the day's PnL rebuilt from the stored record, the shard's edge panel.
    await expect
      .poll(() => page.getByTestId('pnl-day').textContent(), { timeout: 10_000 })
      .toMatch(/^\d{4}-\d\d-\d\d$/);
    expect(await page.getByTestId('pnl-day-marked').textContent()).toMatch(/^−?\$\d+\.\d\d$/);
    await expect.poll(() => page.getByTestId('edge-panel').isVisible(), { timeout: 10_000 }).toBe(true);
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'operator-dashboard.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('pause of one game writes the store flag; the worker pulls its orders; resume clears it', async () => {
    await useToken(dash.token);
    const world = stack.sim!.world;
    const game = world.games[world.games.length - 1]!;
    const tickers = new Set(game.markets.map((m) => m.ticker));
    const ofGame = () =>
      stack.sim!.kalshi.admin.restingOrders(MAKER_USER).filter((o) => tickers.has(o.ticker)).length;
    await expect.poll(ofGame, { timeout: 20_000 }).toBeGreaterThan(0);
    const card = page.locator(`[data-game-id="${game.eventTicker}"]`);
    await card.getByTestId('pause-button').click();
    await expect.poll(() => card.getByTestId('game-state').textContent(), { timeout: 10_000 }).toBe('paused');
    const flags = await stack.store.kill.active();
    expect(flags.find((f) => f.scope === game.eventTicker)).toMatchObject({
      kind: 'pause',
      setBy: 'alice@test',
    });
    await expect.poll(ofGame, { timeout: 20_000 }).toBe(0);
    await card.getByTestId('pause-button').click();
    await expect.poll(async () => (await stack.store.kill.active()).length, { timeout: 10_000 }).toBe(0);
    await expect.poll(ofGame, { timeout: 30_000 }).toBeGreaterThan(0);
  });

  it('kill goes through the kill-switch invoke and the worker flattens; resume asks for the confirmation', async () => {
    await useToken('');
    await page.getByTestId('kill-button').click();
    await page.getByTestId('kill-button').click();
    await expect.poll(() => page.getByTestId('action-status').textContent()).toMatch(/kill refused \(401\)/);
    expect(invoked).toEqual([]);

    await useToken(dash.token);
    await page.getByTestId('kill-button').click();
    await page.getByTestId('kill-button').click();
    await expect.poll(() => page.getByTestId('action-status').textContent()).toMatch(/kill switch engaged/);
    expect(invoked).toEqual([
      { action: 'kill', reason: 'dashboard: trader pressed kill', requestedBy: 'alice@test' },
    ]);
    await expect.poll(() => page.locator('#banner').textContent(), { timeout: 10_000 }).toMatch(/KILLED/);
    await expect.poll(resting, { timeout: 30_000 }).toBe(0);

    page.once('dialog', (d) => void d.accept('RESUME-TRADING'));
    await page.getByTestId('resume-button').click();
    await expect.poll(() => page.getByTestId('action-status').textContent()).toMatch(/kill switch cleared/);
    expect(invoked.at(-1)).toEqual({ action: 'clear', requestedBy: 'alice@test', confirm: 'RESUME-TRADING' });
    expect((await stack.store.kill.active()).map((f) => f.scope)).not.toContain('global');
    expect(problems).toEqual([]);
  });
});
