/**
 * `npm start -- --live` trades where the worker would: KALSHI_ENV's hosts
 * unless KALSHI_REST_URL / KALSHI_WS_URL override them (a staging endpoint, a
 * recording proxy), and The Odds API unless ODDS_API_BASE_URL does; it prints
 * them before anything can trade (issue 12, finding 10).
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeLiveHosts, liveHosts, parseLiveEnv, UsageError } from '../../../scripts/paper/options.ts';
import { startLiveStack } from '../../../scripts/paper/stack.ts';
import { main } from '../../../scripts/start.ts';
import { parseEngineConfig } from '../../../shared/config/engine-config.ts';
import { KALSHI_HOSTS } from '../../../shared/kalshi/hosts.ts';
import { ODDS_API_BASE_URL } from '../../../shared/odds/client.ts';
import { parseWorkerEnv } from '../../../worker/config.ts';

const base = {
  KALSHI_ENV: 'prod',
  KALSHI_KEY_ID: 'abc',
  KALSHI_PRIVATE_KEY_FILE: '/nonexistent/key.pem',
  ODDS_API_KEY: 'odds-secret-123',
};
const REST = 'http://127.0.0.1:9/trade-api/v2';
const WS = 'ws://127.0.0.1:9/trade-api/ws/v2';

describe('--live hosts', () => {
  it('are KALSHI_ENV’s unless overridden, exactly as the worker resolves them', () => {
    expect(liveHosts(parseLiveEnv(base))).toEqual({
      venue: 'prod',
      kalshiRest: KALSHI_HOSTS.prod.rest,
      kalshiWs: KALSHI_HOSTS.prod.ws,
      odds: ODDS_API_BASE_URL,
    });
    const over = {
      ...base,
      KALSHI_REST_URL: REST,
      KALSHI_WS_URL: WS,
      ODDS_API_BASE_URL: 'http://127.0.0.1:8',
    };
    const h = liveHosts(parseLiveEnv(over));
    expect(h).toEqual({ venue: 'prod', kalshiRest: REST, kalshiWs: WS, odds: 'http://127.0.0.1:8' });
    const w = parseWorkerEnv({ ...over, TABLE_NAME: 't' });
    expect([w.restBaseUrl, w.wsUrl]).toEqual([h.kalshiRest, h.kalshiWs]);
    expect(describeLiveHosts(h)).toMatch(
      /KALSHI_ENV=prod[\s\S]*REST http:\/\/127\.0\.0\.1:9\/trade-api\/v2 \(override\)/,
    );
  });

  it('the printed hosts never carry credentials from an override URL (a recording proxy with basic auth, a token)', () => {
    const h = liveHosts(
      parseLiveEnv({
        ...base,
        KALSHI_REST_URL: 'https://rec:rest-pass-1@proxy.example/trade-api/v2?token=rest-tok-2',
        KALSHI_WS_URL: 'wss://rec:ws-pass-3@proxy.example/trade-api/ws/v2?token=ws-tok-4',
        ODDS_API_BASE_URL: 'https://:odds-pass-5@odds-proxy.example?apiKey=odds-tok-6',
      }),
    );
    const text = describeLiveHosts(h);
    for (const secret of ['rest-pass-1', 'rest-tok-2', 'ws-pass-3', 'ws-tok-4', 'odds-pass-5', 'odds-tok-6'])
      expect(text).not.toContain(secret);
    expect(text).toContain('proxy.example/trade-api/ws/v2');
    expect(text).toContain('odds-proxy.example');
  });

  it('a bad override is named', () => {
    let err: unknown;
    try {
      parseLiveEnv({ ...base, KALSHI_WS_URL: 'https://not-a-socket.example' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).field).toBe('env KALSHI_WS_URL');
  });

  it('npm start -- --live prints the hosts before anything starts', async () => {
    const err: string[] = [];
    const stream = (sink: string[]) =>
      ({ isTTY: false, write: (s: string) => sink.push(s) }) as unknown as NodeJS.WriteStream;
    const code = await main({
      argv: ['--live'],
      env: { ...base, KALSHI_REST_URL: REST, KALSHI_WS_URL: WS },
      out: stream([]),
      err: stream(err),
      onSignal: () => () => {},
    });
    expect(code).toBe(2); // the key file is missing: nothing traded
    const text = err.join('');
    expect(text.indexOf(`Kalshi REST ${REST} (override)`)).toBeGreaterThanOrEqual(0);
    expect(text).toContain(`Kalshi WS   ${WS} (override)`);
    expect(text.indexOf('Kalshi REST')).toBeLessThan(text.indexOf('KALSHI_PRIVATE_KEY_FILE'));
    expect(text).not.toContain('odds-secret-123');
  });

  it('the live stack hands the worker the overridden Kalshi URLs and polls the overridden Odds API', async () => {
    const requests: IncomingMessage[] = [];
    const odds = createServer((req, res) => {
      requests.push(req);
      res.writeHead(200, {
        'content-type': 'application/json',
        'x-requests-remaining': '100',
        'x-requests-used': '1',
        'x-requests-last': '1',
      });
      res.end('[]');
    });
    await new Promise<void>((r) => odds.listen(0, '127.0.0.1', () => r()));
    const oddsUrl = `http://127.0.0.1:${(odds.address() as AddressInfo).port}`;
    const dir = mkdtempSync(join(tmpdir(), 'kmm-live-'));
    const keyFile = join(dir, 'key.pem');
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    writeFileSync(keyFile, privateKey);
    const seen: { rest: string; ws: string }[] = [];
    try {
      await expect(
        startLiveStack({
          env: parseLiveEnv({
            ...base,
            KALSHI_PRIVATE_KEY_FILE: keyFile,
            KALSHI_REST_URL: REST,
            KALSHI_WS_URL: WS,
            ODDS_API_BASE_URL: oddsUrl,
          }),
          config: parseEngineConfig({
            sports: { nba: { series: ['KXNBAGAME'], oddsSportKey: 'basketball_nba' } },
          }),
          dashboard: { host: '127.0.0.1', port: 0 },
          startWorker: async (o) => {
            seen.push({ rest: o.kalshi.restBaseUrl, ws: o.kalshi.wsUrl });
            throw new Error('stop here: no trading in a test');
          },
        }),
      ).rejects.toThrow('stop here');
    } finally {
      await new Promise<void>((r) => odds.close(() => r()));
    }
    expect(seen).toEqual([{ rest: REST, ws: WS }]);
    expect(requests.length).toBeGreaterThan(0);
    expect(requests[0]!.url).toMatch(/^\/v4\/sports\/basketball_nba\//);
  });
});

describe('--live ladders', () => {
  it('LADDER_SPORTS reads as the worker reads it: none unless set, all, or sport keys; a bad one is a usage error', () => {
    expect(parseLiveEnv(base).LADDER_SPORTS).toEqual([]);
    expect(parseLiveEnv({ ...base, LADDER_SPORTS: 'all' }).LADDER_SPORTS).toBe('all');
    expect(parseLiveEnv({ ...base, LADDER_SPORTS: 'basketball_nba' }).LADDER_SPORTS).toEqual(
      parseWorkerEnv({
        TABLE_NAME: 't',
        KALSHI_KEY_ID: 'k',
        KALSHI_PRIVATE_KEY_FILE: '/k',
        LADDER_SPORTS: 'basketball_nba',
      }).ladderSports,
    );
    expect(() => parseLiveEnv({ ...base, LADDER_SPORTS: 'NBA' })).toThrow(UsageError);
  });
});
