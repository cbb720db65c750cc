import { describe, expect, it } from 'vitest';
import { ConfigError, parseEngineConfig } from '../../../shared/config/engine-config.ts';

describe('engine config', () => {
  it('has documented defaults: an empty object is a valid config', () => {
    const c = parseEngineConfig({});
    expect(c.reconcileMs).toBe(10_000);
    expect(c.kill.flattenTimeoutMs).toBe(60_000);
    expect(c.sports['nba']?.series).toEqual(['KXNBAGAME']);
  });

  it('names the bad field', () => {
    expect(() =>
      parseEngineConfig({
        sports: { nba: { series: ['kxnba'], oddsSportKey: 'x', limit: 1, quoteSize: 1 } },
      }),
    ).toThrow(/sports\.nba\.series\.0/);
    expect(() => parseEngineConfig({ kill: { maxDrift: -1 } })).toThrow(/kill\.maxDrift/);
    expect(() => parseEngineConfig({ reconcileMS: 5 })).toThrow(ConfigError);
  });
});
