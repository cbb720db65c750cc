import { afterEach, describe, expect, it, vi } from 'vitest';
import { cachedSecrets, staticSecrets } from '../../functions/runtime/secrets.ts';
import { powertoolsMetrics, stageOf } from '../../functions/runtime/telemetry.ts';
import { METRICS_NAMESPACE } from '../../shared/metrics/names.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('EMF metrics', () => {
  it('carry exactly the Stage and Function dimensions the alarms watch (no Powertools service dimension)', () => {
    const lines: string[] = [];
    const capture = (chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture as typeof process.stdout.write);
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(' '));
    });
    const metrics = powertoolsMetrics('odds-poll', 'odds', 'demo');
    metrics.add('OddsCreditsRemaining', 'Count', 417);
    metrics.flush();
    const emf = lines.map((l) => l.trim()).find((l) => l.includes('"_aws"'));
    expect(emf).toBeDefined();
    const doc = JSON.parse(emf!) as {
      _aws: {
        CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
      };
      [k: string]: unknown;
    };
    const [directive] = doc._aws.CloudWatchMetrics;
    expect(directive?.Namespace).toBe(METRICS_NAMESPACE);
    expect(directive?.Dimensions).toEqual([['Stage', 'Function']]);
    expect(doc['Stage']).toBe('demo');
    expect(doc['Function']).toBe('odds');
    expect(doc['OddsCreditsRemaining']).toBe(417);
    expect(doc['service']).toBeUndefined();
  });
});

describe('stage', () => {
  it('comes from STAGE, is local outside AWS, and a malformed one fails the cold start', () => {
    expect(stageOf({ STAGE: 'prod' })).toBe('prod');
    expect(stageOf({})).toBe('local');
    expect(() => stageOf({ STAGE: 'Prod Stage' })).toThrow(/STAGE/);
  });
});

describe('secret cache', () => {
  it('fetches once per TTL across invocations and does not cache failures', async () => {
    let now = 0;
    let calls = 0;
    let fail = true;
    const cache = cachedSecrets(
      {
        get: async (id) => {
          calls++;
          if (fail) throw new Error('throttled');
          return `value-of-${id}`;
        },
      },
      60_000,
      () => now,
    );
    await expect(cache.get('a')).rejects.toThrow('throttled');
    fail = false;
    expect(await cache.get('a')).toBe('value-of-a');
    expect(await cache.get('a')).toBe('value-of-a');
    expect(calls).toBe(2);
    now = 60_000;
    await cache.get('a');
    expect(calls).toBe(3);
    await expect(staticSecrets({}).get('missing')).rejects.toThrow(/not configured/);
  });
});
