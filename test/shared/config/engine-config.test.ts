import { describe, expect, it } from 'vitest';
import { ConfigError, parseEngineConfig } from '../../../shared/config/engine-config.ts';

describe('engine config', () => {
  it('has documented defaults: an empty object is a valid config', () => {
    const c = parseEngineConfig({});
    expect(c.reconcileMs).toBe(10_000);
    expect(c.kill.flattenTimeoutMs).toBe(60_000);
    expect(c.sports['nba']?.series).toEqual(['KXNBAGAME']);
    expect(c.quoting.minEdge).toBeGreaterThan(0);
    expect(c.limits.default.cap).toBeGreaterThan(0);
  });

  it('names the bad field', () => {
    expect(() =>
      parseEngineConfig({
        sports: { nba: { series: ['kxnba'], oddsSportKey: 'x', limit: 1, quoteSize: 1 } },
      }),
    ).toThrow(/sports\.nba\.series\.0/);
    expect(() => parseEngineConfig({ kill: { maxDrift: -1 } })).toThrow(/kill\.maxDrift/);
    expect(() => parseEngineConfig({ reconcileMS: 5 })).toThrow(ConfigError);
    expect(() => parseEngineConfig({ quoting: { gamma: -1 } })).toThrow(/quoting\.gamma/);
    expect(() => parseEngineConfig({ limits: { default: { cap: 1, floor: 5, liquidityShare: 1 } } })).toThrow(
      /limits\.default\.floor/,
    );
  });
});
