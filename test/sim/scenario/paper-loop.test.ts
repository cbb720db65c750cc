/**
 * The loop a paper run exercises, over real sockets: the maker rests quotes
 * through signed REST, noise takers trade with them while they sit near the
 * truth, and when the injury news lands informed takers pick off the stale
 * side within a second, before any bookmaker has moved.
 */
import { constants, createPrivateKey, sign } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { type Simulation, startSimulation } from '../../../sim/main.ts';

const START = Date.parse('2026-01-20T23:00:00Z');
const MIN = 60_000;
let sim: Simulation | undefined;
afterAll(async () => {
  await sim?.close();
});

async function signedPost(s: Simulation, path: string, body: unknown): Promise<Response> {
  const ts = String(Date.now());
  const full = `/trade-api/v2${path}`;
  const signature = sign('sha256', Buffer.from(`${ts}POST${full}`), {
    key: createPrivateKey(s.privateKeyPem!),
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
  }).toString('base64');
  return fetch(`${s.kalshi.restBaseUrl}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'KALSHI-ACCESS-KEY': s.keyId,
      'KALSHI-ACCESS-TIMESTAMP': ts,
      'KALSHI-ACCESS-SIGNATURE': signature,
    },
    body: JSON.stringify(body),
  });
}

describe('paper loop: maker quotes, noise flow, adverse selection', () => {
  it('noise takers fill quotes near the truth; informed takers pick off the stale bid right after the jump', async () => {
    sim = await startSimulation({ scenario: 'injury-shock', speed: 'stepped', startMs: START });
    const home = sim.world.games[0]!.markets.find((m) => m.outcome === 'home')!.ticker;
    const truthBefore = sim.world.games[0]!.path.at(START + 2 * MIN).home;
    expect(truthBefore).toBeGreaterThan(0.55);
    sim.runner.step(START + 2 * MIN);

    // Quote 1¢ either side of the truth, as a maker with a good theo would.
    const cents = Math.round(truthBefore * 100);
    for (const [side, price] of [
      ['bid', cents - 1],
      ['ask', cents + 1],
    ] as const) {
      const res = await signedPost(sim, '/portfolio/events/orders', {
        ticker: home,
        client_order_id: `paper-${side}`,
        side,
        count: '200.00',
        price: (price / 100).toFixed(4),
        time_in_force: 'good_till_canceled',
        self_trade_prevention_type: 'taker_at_cross',
        post_only: true,
      });
      expect(res.status).toBe(201);
    }

    sim.runner.step(START + 8 * MIN - 1);
    const noiseFills = sim.kalshi.admin.fills('maker');
    expect(noiseFills.length).toBeGreaterThan(0); // retail traded with the tight quotes
    const beforeJump = sim.kalshi.admin.position('maker', home)?.position ?? 0;

    sim.runner.step(START + 8 * MIN + 2_000);
    const picked = sim.kalshi.admin.fills('maker').filter((f) => f.createdMs >= START + 8 * MIN);
    expect(picked.length).toBeGreaterThan(0);
    for (const f of picked) expect(f.createdMs).toBeLessThanOrEqual(START + 8 * MIN + 900); // the fast insider
    // They sold YES to our stale bid: we got longer right as the truth collapsed.
    const after = sim.kalshi.admin.position('maker', home)!.position;
    expect(after).toBeGreaterThan(beforeJump);
    expect(sim.world.games[0]!.path.at(START + 8 * MIN + 2_000).home).toBeLessThan(0.35);
  });
});
