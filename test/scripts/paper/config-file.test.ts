import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEngineConfig } from '../../../scripts/paper/config-file.ts';
import { UsageError } from '../../../scripts/paper/options.ts';

const dir = mkdtempSync(join(tmpdir(), 'kmm-config-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

function error(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error('expected UsageError');
}

describe('--config file', () => {
  it('defaults without a file and reads a valid one', () => {
    expect(loadEngineConfig(undefined).stopMarginMs).toBeGreaterThan(0);
    expect(loadEngineConfig(file('ok.json', '{"stopMarginMs": 120000}')).stopMarginMs).toBe(120_000);
  });

  it('names the bad field, the bad JSON or the unreadable file', () => {
    expect(error(() => loadEngineConfig(file('bad.json', '{"stopMarginMs": -1}'))).field).toMatch(
      /: stopMarginMs$/,
    );
    expect(error(() => loadEngineConfig(file('nested.json', '{"kill": {"maxDrift": 0}}'))).field).toMatch(
      /: kill\.maxDrift$/,
    );
    expect(error(() => loadEngineConfig(file('typo.json', '{"stopMargin": 1}'))).message).toMatch(
      /stopMargin/,
    );
    expect(error(() => loadEngineConfig(file('broken.json', '{'))).message).toMatch(/not valid JSON/);
    expect(error(() => loadEngineConfig(join(dir, 'missing.json'))).field).toBe('--config');
  });
});
