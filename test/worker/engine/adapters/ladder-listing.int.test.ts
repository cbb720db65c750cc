/**
 * A game's ladders from the exchange to mapped strikes: the simulated exchange lists spread and total
 * events as Kalshi does (strike_type/floor_strike on each market), the real REST client and gateway
 * list them, and ladder-markets.ts maps every strike to the game — none from its ticker.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../../shared/clock.ts';
import { KalshiRestClient } from '../../../../shared/kalshi/rest-client.ts';
import { createRsaSigner } from '../../../../shared/kalshi/signer.ts';
import { startKalshiSim } from '../../../../sim/kalshi/index.ts';
import { KalshiGateway } from '../../../../worker/engine/adapters/kalshi-gateway.ts';
import { gameLadders, ladderSeriesOf } from '../../../../worker/engine/ladder-markets.ts';

const KEY_ID = '0b0b0b0b-0000-4000-8000-00000000add1';
const keys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('ladders listed by the exchange, mapped to their game', () => {
  it('every strike of the spread and total ladders maps; a market whose metadata and text disagree is reported', async () => {
    const sim = await startKalshiSim({ seed: 1 });
    sim.registerKey(KEY_ID, keys.publicKey, 'maker');
    const e = sim.admin;
    const start = Date.now() + 3_600_000;
    const market = (ticker: string, eventTicker: string, text: string, floor: number) =>
      e.createMarket({
        ticker,
        eventTicker,
        title: `Miami at Boston: ${text}?`,
        yesSubTitle: text,
        openTimeMs: Date.now() - 60_000,
        closeTimeMs: start + 86_400_000,
        status: 'active',
        strike: { strikeType: 'greater', floorStrike: floor },
      });
    e.createSeries({ ticker: 'KXNBASPREAD', title: 'NBA Spread', feeType: 'quadratic' });
    e.createSeries({ ticker: 'KXNBATOTAL', title: 'NBA Total', feeType: 'quadratic' });
    const spread = 'KXNBASPREAD-26JAN20MIABOS';
    const total = 'KXNBATOTAL-26JAN20MIABOS';
    e.createEvent({
      eventTicker: spread,
      seriesTicker: 'KXNBASPREAD',
      title: 'Miami at Boston: Spread',
      startTimeMs: start,
    });
    e.createEvent({
      eventTicker: total,
      seriesTicker: 'KXNBATOTAL',
      title: 'Miami at Boston: Total Points',
      startTimeMs: start,
    });
    for (const s of [1.5, 4.5, 7.5, 10.5]) {
      market(`${spread}-BOS${Math.ceil(s)}`, spread, `Boston wins by over ${s} Points`, s);
      market(`${spread}-MIA${Math.ceil(s)}`, spread, `Miami wins by over ${s} Points`, s);
    }
    for (const s of [210.5, 215.5, 220.5, 225.5, 230.5])
      market(`${total}-${Math.ceil(s)}`, total, `Over ${s} points scored`, s);
    market(`${total}-BAD`, total, 'Over 240.5 points scored', 250.5);

    const client = new KalshiRestClient({
      baseUrl: sim.restBaseUrl,
      signer: createRsaSigner({ keyId: KEY_ID, privateKeyPem: keys.privateKey }),
      clock: systemClock,
      limiter: false,
    });
    cleanups.push(async () => {
      await client.close();
      await sim.close();
    });
    const gw = new KalshiGateway(client);
    const listed = (await Promise.all(ladderSeriesOf('basketball_nba').map((s) => gw.listEvents(s)))).flat();
    const r = gameLadders(
      {
        eventTicker: 'KXNBAGAME-26JAN20MIABOS',
        sportKey: 'basketball_nba',
        homeTeam: 'Boston Celtics',
        awayTeam: 'Miami Heat',
        kalshiStartMs: null,
      },
      listed,
    );
    expect(r.events.sort()).toEqual([spread, total]);
    expect(r.mapped).toHaveLength(8 + 5);
    const q = Object.fromEntries(r.mapped.map((m) => [m.ticker, m.query]));
    expect(q[`${spread}-BOS8`]).toEqual({ kind: 'spread', direction: 'over', threshold: 7.5 });
    expect(q[`${spread}-MIA5`]).toEqual({ kind: 'spread', direction: 'under', threshold: -4.5 });
    expect(q[`${total}-221`]).toEqual({ kind: 'total', direction: 'over', threshold: 220.5 });
    expect(r.unmapped.map((u) => [u.ticker, u.reason])).toEqual([[`${total}-BAD`, 'strike-mismatch']]);
  });
});
