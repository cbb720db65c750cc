/**
 * Fees from discovery, over the real REST client and the simulated exchange: a series whose fees
 * cannot be read or priced is quoted with the most expensive plausible schedule (never as if makers
 * paid nothing), fees are read again with every listing, and one event with an override we cannot
 * price is dropped and reported without taking the rest of the series with it.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../../shared/clock.ts';
import { KalshiRestClient } from '../../../../shared/kalshi/rest-client.ts';
import { createRsaSigner } from '../../../../shared/kalshi/signer.ts';
import { MOST_EXPENSIVE_PLAUSIBLE_FEES } from '../../../../shared/pricing/fees.ts';
import { type KalshiSim, startKalshiSim } from '../../../../sim/kalshi/index.ts';
import type { FeeType } from '../../../../sim/kalshi/types.ts';
import { KalshiGateway } from '../../../../worker/engine/adapters/kalshi-gateway.ts';

const KEY_ID = '0b0b0b0b-0000-4000-8000-00000000fee5';
const keys = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup() {
  const sim: KalshiSim = await startKalshiSim({ seed: 1 });
  sim.registerKey(KEY_ID, keys.publicKey, 'maker');
  const e = sim.admin;
  e.createSeries({ ticker: 'KXNBAGAME', title: 'Pro Basketball', feeType: 'quadratic' });
  const start = Date.now() + 3_600_000;
  for (const ev of ['KXNBAGAME-26DEC07BOSMIL', 'KXNBAGAME-26DEC07NYKHOU', 'KXNBAGAME-26DEC07LALGSW']) {
    e.createEvent({ eventTicker: ev, seriesTicker: 'KXNBAGAME', title: ev, startTimeMs: start });
    for (const team of ['A', 'B'])
      e.createMarket({
        ticker: `${ev}-${team}`,
        eventTicker: ev,
        title: ev,
        yesSubTitle: team,
        openTimeMs: Date.now() - 60_000,
        closeTimeMs: start + 86_400_000,
        status: 'active',
      });
  }
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
  const warnings: { eventTicker?: string; reason: string }[] = [];
  const gw = new KalshiGateway(client, { onListingWarning: (w) => warnings.push(w) });
  return { sim, client, gw, warnings };
}

describe('KalshiGateway fees', () => {
  it('one event with a fee override we cannot price is dropped and reported; an unknown one is priced at the highest maker rate', async () => {
    const { sim, gw, warnings } = await setup();
    sim.admin.setEventFeeOverride('KXNBAGAME-26DEC07NYKHOU', { feeType: 'flat' });
    sim.admin.setEventFeeOverride('KXNBAGAME-26DEC07LALGSW', {
      feeType: 'quadratic_with_new_fees' as FeeType,
    });
    const listed = await gw.listEvents('KXNBAGAME');
    expect(listed.map((e) => e.eventTicker).sort()).toEqual([
      'KXNBAGAME-26DEC07BOSMIL',
      'KXNBAGAME-26DEC07LALGSW',
    ]);
    expect(listed.find((e) => e.eventTicker === 'KXNBAGAME-26DEC07BOSMIL')?.fees?.feeType).toBe('quadratic');
    expect(listed.find((e) => e.eventTicker === 'KXNBAGAME-26DEC07LALGSW')?.fees?.feeType).toBe(
      'quadratic_with_combo_maker_fees',
    );
    expect(warnings.some((w) => w.eventTicker === 'KXNBAGAME-26DEC07NYKHOU')).toBe(true);
  });

  it('fees are read again with every listing, and an unreadable series gets the most expensive plausible schedule', async () => {
    const { sim, client, gw, warnings } = await setup();
    const first = await gw.listEvents('KXNBAGAME');
    expect(first[0]?.fees?.feeType).toBe('quadratic');
    // Kalshi changes the series' fees: the next listing carries them.
    sim.admin.createSeries({
      ticker: 'KXNBAGAME',
      title: 'Pro Basketball',
      feeType: 'quadratic_with_maker_fees',
    });
    const second = await gw.listEvents('KXNBAGAME');
    expect(second[0]?.fees?.feeType).toBe('quadratic_with_maker_fees');
    // A fresh gateway that can never read the series: not the taker-only schedule.
    const blind = new KalshiGateway(
      Object.assign(Object.create(client) as KalshiRestClient, {
        getSeries: async () => {
          throw new Error('503 series unavailable');
        },
      }),
      { onListingWarning: (w) => warnings.push(w) },
    );
    const third = await blind.listEvents('KXNBAGAME');
    expect(third[0]?.fees).toEqual(MOST_EXPENSIVE_PLAUSIBLE_FEES);
    expect(warnings.some((w) => /most expensive/.test(w.reason))).toBe(true);
  });
});
