/**
 * Fuzz: HTTP requests against the real dashboard server on loopback (the
 * in-memory desk of the dashboard tests behind it): random methods, paths,
 * Authorization and Host headers, content types and bodies. The server never
 * answers 5xx, always sends its CSP, stays up, and an action reaches the desk
 * only with the exact token, the server's own Host, POST, JSON and a valid body.
 */
import { request } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  type DashboardServer,
  startDashboard,
} from '../../worker/dashboard/server.ts';
import { FakeDesk } from '../worker/dashboard/fixtures.ts';
import { recordCases } from './support.ts';

const TOKEN = 'fuzz-token-0123456789abcdefABCDEF';
let desk: FakeDesk;
let server: DashboardServer;
let host = '';
let cases = 0;

beforeAll(async () => {
  desk = new FakeDesk();
  server = await startDashboard({ source: desk, actions: desk, token: TOKEN, port: 0, refreshMs: 0 });
  host = new URL(server.url).host;
});
afterAll(async () => {
  await server.close();
  recordCases('dashboard', cases);
});

function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  body: string | null,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  const u = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      if (method === 'HEAD') {
        res.resume();
        req.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text });
        return;
      }
      // The event stream never ends: read its first frame and hang up.
      if (res.headers['content-type']?.toString().startsWith('text/event-stream')) {
        res.once('data', (c: string) => {
          text += c;
          req.destroy();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text });
        });
        return;
      }
      res.on('data', (c: string) => {
        text += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.setTimeout(3_000, () => {
      req.destroy();
      reject(new Error(`no answer within 3 s: ${method} ${path}`));
    });
    req.end(body ?? undefined);
  });
}

const pathArb = fc.oneof(
  fc.constantFrom(
    '/',
    '/api/kill',
    '/api/state',
    '/api/events',
    '/api/games/NBA1/pause',
    '/api/games/NBA2/resume',
    '/api/games/NOPE/pause',
    '/api/games/NBA1/delete',
    '/api/games/../kill',
    '/api/kill?x=1',
    '/static/app.js',
    '/static/../../../../etc/passwd',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/vendor/uplot.js',
    '//api/kill',
  ),
  fc.string({ maxLength: 40 }).map((s) => `/${encodeURIComponent(s)}`),
  fc.string({ maxLength: 20 }).map((s) => `/api/games/${encodeURIComponent(s)}/pause`),
);
const authArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant(`Bearer ${TOKEN}`) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '',
      'Bearer',
      `Bearer ${TOKEN} `,
      `Bearer ${TOKEN.slice(1)}`,
      `bearer ${TOKEN}`,
      `Basic ${TOKEN}`,
      `Bearer ${TOKEN}\u0000`,
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 300 }).map((s) => `Bearer ${s}`) },
);
const bodyArb = fc.oneof(
  fc.constantFrom(
    '{"reason":"fuzz"}',
    '{}',
    '',
    '{"reason":""}',
    '{"reason":"x","extra":1}',
    '[]',
    'null',
    '{bad',
  ),
  fc.json(),
  fc.string({ maxLength: 200 }),
  fc.constant('x'.repeat(5000)),
);
const randomRequest = fc.record({
  method: fc.constantFrom('GET', 'POST', 'POST', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH'),
  path: pathArb,
  auth: fc.option(authArb, { nil: undefined }),
  host: fc.oneof(
    { weight: 5, arbitrary: fc.constant('') },
    {
      weight: 1,
      arbitrary: fc.constantFrom('evil.example', `${'a'.repeat(300)}`, 'localhost:1', '127.0.0.1'),
    },
  ),
  type: fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    'application/x-www-form-urlencoded',
    '',
  ),
  body: fc.option(bodyArb, { nil: null }),
});
/** Nearly valid actions (so the accepting path is exercised too). */
const actionRequest = fc.record({
  method: fc.constant('POST'),
  path: fc.constantFrom(
    '/api/kill',
    '/api/games/NBA1/pause',
    '/api/games/NBA1/resume',
    '/api/games/NBA2/pause',
  ),
  auth: fc.oneof(fc.constant(`Bearer ${TOKEN}`), authArb),
  host: fc.oneof(
    { weight: 4, arbitrary: fc.constant('') },
    { weight: 1, arbitrary: fc.constant('evil.example') },
  ),
  type: fc.constantFrom('application/json', 'text/plain'),
  body: fc.constantFrom('{"reason":"fuzz"}', '{}', '{"reason":"x","more":1}', null),
});
const requestArb = fc.oneof({ weight: 3, arbitrary: randomRequest }, { weight: 1, arbitrary: actionRequest });

describe('dashboard requests (fuzz)', () => {
  it('no 5xx, CSP always, actions only with the exact token and own Host', async () => {
    await fc.assert(
      fc.asyncProperty(requestArb, async (r) => {
        cases++;
        const headers: Record<string, string> = { host: r.host || host };
        if (r.auth !== undefined) headers['authorization'] = r.auth;
        if (r.type) headers['content-type'] = r.type;
        const body = r.method === 'GET' || r.method === 'HEAD' ? null : r.body;
        const before = desk.calls.length;
        let res: Awaited<ReturnType<typeof send>>;
        try {
          res = await send(r.method, r.path, headers, body);
        } catch (err) {
          // Node's client refuses some header values itself (e.g. NUL): nothing was sent.
          expect(String(err)).toMatch(/Invalid character|ERR_INVALID_CHAR|HPE_/);
          expect(desk.calls.length).toBe(before);
          return;
        }
        expect(res.status, `${r.method} ${r.path} → ${res.status} ${res.text.slice(0, 200)}`).toBeLessThan(
          500,
        );
        if (res.status !== 400 || res.headers['content-security-policy'])
          expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
        expect(res.text).not.toContain(TOKEN);
        if (desk.calls.length > before) {
          // HTTP strips optional whitespace around a header value (RFC 9110 §5.5).
          expect(headers['authorization']?.trim()).toBe(`Bearer ${TOKEN}`);
          expect(headers['host']).toBe(host);
          expect(r.method).toBe('POST');
          expect(res.status).toBe(200);
        }
        // Revive the desk after an accepted kill so later cases still exercise the actions.
        desk.state = { ...desk.state, killed: false, killPhase: null, killReason: null };
      }),
      { numRuns: 1500 },
    );
    // The fuzz reached the actions, and the server is still up.
    expect(desk.calls.length).toBeGreaterThan(0);
    expect((await send('GET', '/api/state', { host }, null)).status).toBe(200);
  }, 120_000);
});
