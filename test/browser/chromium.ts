/**
 * The Chromium the browser tests drive with playwright-core. It comes with
 * `npm ci`: `@sparticuz/chromium` ships a headless Chromium inside the npm
 * package (inflated once into the temp directory), so a bare machine needs no
 * apt package. `CHROMIUM_PATH`, or a `/usr/bin/chromium` that exists, overrides
 * it (a desktop Chromium is easier to debug with).
 *
 * Launched headless, without sandbox (root in CI), without background
 * networking (the network is closed and Chromium would otherwise retry Google
 * hosts), with a fresh profile per launch.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import packaged from '@sparticuz/chromium';
import { type BrowserContext, chromium } from 'playwright-core';

const SYSTEM_CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface ChromiumBinary {
  executablePath: string;
  args: string[];
  source: 'CHROMIUM_PATH' | 'system' | '@sparticuz/chromium';
}

/** Which Chromium to launch: the override if given, else the packaged one. */
export async function resolveChromium(env: NodeJS.ProcessEnv = process.env): Promise<ChromiumBinary> {
  const override = env.CHROMIUM_PATH;
  if (override) return { executablePath: override, args: CHROMIUM_FLAGS, source: 'CHROMIUM_PATH' };
  if (existsSync(SYSTEM_CHROMIUM))
    return { executablePath: SYSTEM_CHROMIUM, args: CHROMIUM_FLAGS, source: 'system' };
  const executablePath = await packaged.executablePath();
  // The package's own flags (single process, software GL) plus ours; the
  // package's quoted --headless='shell' is replaced by playwright's own.
  const args = [...new Set([...packaged.args.filter((a) => !a.startsWith('--headless')), ...CHROMIUM_FLAGS])];
  return { executablePath, args, source: '@sparticuz/chromium' };
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const binary = await resolveChromium();
  const profile = mkdtempSync(join(tmpdir(), 'kalshi-mm-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: binary.executablePath,
    headless: true,
    args: binary.args,
    viewport: { width: 1600, height: 1000 },
    // The packaged Chromium reads the locale from a POSIX environment
    // (LANG=C) as "en-US@posix", which Intl rejects.
    locale: 'en-US',
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
