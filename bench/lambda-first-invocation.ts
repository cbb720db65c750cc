/**
 * A Lambda's whole cold start, so that work moved out of module init is seen if it only moved later
 * (issue #16): the deployed odds-poll bundle imported in a fresh node (the function's NODE_OPTIONS), then
 * its first invocation, each in CPU time (user + system) of that process. The AWS APIs and The Odds API
 * are one loopback HTTP server (AWS_ENDPOINT_URL, ODDS_API_BASE_URL): Secrets Manager answers the key,
 * DynamoDB accepts every write, the Odds API lists `GAMES` upcoming games priced by `BOOKS` books.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { LAMBDA_NODE_OPTIONS } from '../infra/constructs/lambda-bundling.ts';

const SPORT = 'basketball_nba';
const GAMES = 10;
const BOOKS = ['pinnacle', 'draftkings', 'fanduel', 'betmgm', 'caesars'];

export interface FirstInvocation {
  /** CPU ms of the bundle's import */
  init: number;
  /** CPU ms of the first handler call (env parse, wiring, the poll) */
  first: number;
}

function oddsApi(url: URL, res: ServerResponse, now: number): void {
  const events = Array.from({ length: GAMES }, (_, i) => ({
    id: `ev${i}`,
    sport_key: SPORT,
    sport_title: 'NBA',
    commence_time: new Date(now + (i + 2) * 3_600_000).toISOString(),
    home_team: `Home ${i}`,
    away_team: `Away ${i}`,
  }));
  const quota = { 'x-requests-remaining': '10000', 'x-requests-used': '10', 'x-requests-last': '1' };
  let body: unknown;
  if (url.pathname === `/v4/sports/${SPORT}/events`) body = events;
  else if (url.pathname === `/v4/sports/${SPORT}/odds`)
    body = events.map((e, i) => ({
      ...e,
      bookmakers: BOOKS.map((key, b) => ({
        key,
        title: key,
        last_update: new Date(now - 60_000).toISOString(),
        markets: [
          {
            key: 'h2h',
            last_update: new Date(now - 60_000).toISOString(),
            outcomes: [
              { name: e.home_team, price: 1.8 + (i % 5) * 0.05 + b * 0.01 },
              { name: e.away_team, price: 2.1 - (i % 5) * 0.05 - b * 0.01 },
            ],
          },
        ],
      })),
    }));
  else body = [];
  res.writeHead(200, { 'content-type': 'application/json', ...quota }).end(JSON.stringify(body));
}

function aws(req: IncomingMessage, res: ServerResponse): void {
  const target = String(req.headers['x-amz-target'] ?? '');
  req.resume();
  req.on('end', () => {
    if (target.startsWith('secretsmanager.')) {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(
        JSON.stringify({
          ARN: 'arn:aws:secretsmanager:us-east-1:0:secret:odds',
          SecretString: 'bench-key',
        }),
      );
    } else {
      // DynamoDB: every conditional write lands.
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{}');
    }
  });
}

const CHILD = `
const c0 = process.cpuUsage();
const { handler } = await import(process.env.BUNDLE);
const init = process.cpuUsage(c0);
const c1 = process.cpuUsage();
const out = await handler({ trigger: 'schedule' });
const first = process.cpuUsage(c1);
if (out.sports[0]?.status !== 'polled' || !(out.sports[0].written > 0)) throw new Error('poll did not write: ' + JSON.stringify(out));
process.stdout.write(JSON.stringify({ init: (init.user + init.system) / 1000, first: (first.user + first.system) / 1000 }));
`;

/** Runs `runs` fresh processes per bundle, interleaved; returns each bundle's samples. */
export async function firstInvocations(
  bundles: string[],
  runs: number,
  /** extra node flags, e.g. `--cpu-prof` to see where a cold start goes */
  nodeArgs: string[] = [],
): Promise<FirstInvocation[][]> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    if (url.pathname.startsWith('/v4/')) oddsApi(url, res, Date.now());
    else aws(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const env = {
    PATH: process.env['PATH'] ?? '',
    NODE_OPTIONS: LAMBDA_NODE_OPTIONS,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_ENDPOINT_URL: base,
    TABLE_NAME: 'bench',
    ODDS_API_KEY_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:0:secret:odds',
    ODDS_API_BASE_URL: base,
    ODDS_BOOKMAKERS: BOOKS.join(','),
    ODDS_SPORTS: JSON.stringify([{ sportKey: SPORT, priority: 1, minCredits: 0 }]),
    POWERTOOLS_METRICS_NAMESPACE: 'bench',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  };
  const one = (bundle: string) =>
    new Promise<FirstInvocation>((resolve, reject) => {
      const child = spawn(process.execPath, [...nodeArgs, '--input-type=module', '-e', CHILD], {
        env: { ...env, BUNDLE: pathToFileURL(bundle).href },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => {
        out += d;
      });
      child.stderr.on('data', (d) => {
        err += d;
      });
      child.on('close', (code) => {
        // Powertools writes its metrics and logs to stdout too: the figures are the last line.
        const last = out.trim().split('\n').at(-1) ?? '';
        if (code !== 0 || !last.startsWith('{"init"'))
          reject(new Error(`first invocation failed (${code}): ${err.slice(0, 2000)} ${out.slice(-500)}`));
        else resolve(JSON.parse(last) as FirstInvocation);
      });
    });
  try {
    const samples: FirstInvocation[][] = bundles.map(() => []);
    for (let i = 0; i < runs; i++)
      for (const [b, bundle] of bundles.entries()) samples[b]!.push(await one(bundle));
    return samples;
  } finally {
    server.close();
  }
}
