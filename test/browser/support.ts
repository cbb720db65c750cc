/** Shared set-up of the browser tests: the quiet-evening paper stack, and a page's problems collected. */
import type { Page } from 'playwright-core';
import { loadEngineConfig } from '../../scripts/paper/config-file.ts';
import { type PaperStack, type PaperStackOptions, startPaperStack } from '../../scripts/paper/stack.ts';
import { startPaperWorker } from '../../scripts/paper/worker.ts';
import { type Browser, launchBrowser } from './chromium.ts';

/** The paper stack on the NBA quiet-evening scenario (seed 11, 10× speed), with the default engine config. */
export function startQuietEvening(dashboard: PaperStackOptions['dashboard']): Promise<PaperStack> {
  return startPaperStack({
    scenario: 'sim/scenarios/nba-quiet-evening.json',
    seed: 11,
    speed: 10,
    config: loadEngineConfig(undefined),
    dashboard,
    startWorker: startPaperWorker,
  });
}

/** Collects the page's console errors and uncaught errors into `problems`. */
export function watchProblems(page: Page, problems: string[]): void {
  page.on('console', (m) => {
    // Refused actions (401/403) are expected answers, not page problems.
    if (m.type() === 'error' && !/status of 40[13]/.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
}

/** Launches Chromium and opens one page watched for problems. */
export async function openWatchedPage(problems: string[]): Promise<{ browser: Browser; page: Page }> {
  const browser = await launchBrowser();
  const page = await browser.context.newPage();
  watchProblems(page, problems);
  return { browser, page };
}
