/**
 * bench/lambda-first-invocation.ts measures a real cold start: the deployed odds-poll bundle, imported in
 * a fresh process, then invoked once against the loopback AWS and Odds API, polls and writes (the harness
 * refuses a run whose poll wrote nothing, so a figure is never the cost of an early failure).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstInvocations } from '../../bench/lambda-first-invocation.ts';
import { deployedBuildOptions } from '../../bench/lambdas.ts';

const dir = mkdtempSync(join(tmpdir(), 'kalshi-mm-lambda-first-'));

beforeAll(async () => {
  await build(deployedBuildOptions([join(process.cwd(), 'functions/odds-poll.ts')], dir));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('odds-poll cold start: import and first invocation', () => {
  it('the first invocation polls and writes, and both phases are measured in CPU time', async () => {
    const [samples] = await firstInvocations([join(dir, 'odds-poll.mjs')], 1);
    expect(samples).toHaveLength(1);
    expect(samples![0]!.init).toBeGreaterThan(0);
    expect(samples![0]!.first).toBeGreaterThan(0);
  });

  it('a bundle whose handler fails is an error, not a figure', async () => {
    await expect(firstInvocations([join(dir, 'missing.mjs')], 1)).rejects.toThrow(/first invocation failed/);
  });
});
