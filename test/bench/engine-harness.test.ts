/**
 * The tick-to-quote probe's decision sample: one per frame, at the first sign() of the writes its
 * requote sent — a requote that decreases one side and amends another is one measured frame, not two
 * (the second write's sample would time the first write's send path as decision latency); and after
 * sign(), the wire sample split into the signature and the send.
 */
import { channel } from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  benchSigningMode,
  instrumentedSigner,
  newProbe,
  type Signed,
  type Trace,
  watchWire,
  writeContext,
} from '../../bench/engine-harness.ts';
import type { Signer } from '../../shared/kalshi/signer.ts';

const signer: Signer = { keyId: 'k', sign: async (ts, method, path) => `sig-${ts}-${method}-${path}` };

function trace(frameNs: bigint): Trace {
  return {
    frameNs,
    bookNs: frameNs + 1n,
    readNs: frameNs + 2n,
    quoterNs: frameNs + 3n,
    quotedNs: frameNs + 4n,
    seqAtBook: 1,
    seqAtRead: 1,
  };
}

describe('tick-to-quote decision probe', () => {
  it('records one decision (and one set of segments) per frame, however many writes its requote sends', async () => {
    const probe = newProbe();
    const s = instrumentedSigner(signer, probe, new Map());
    const t = trace(process.hrtime.bigint());
    const write = (path: string) =>
      writeContext.run({ frameNs: t.frameNs, signed: false, trace: t, gatewayNs: t.quotedNs + 1n }, () =>
        s.sign(1, 'POST', path),
      );
    await write('/decrease');
    await write('/amend');
    expect(probe.decision.count).toBe(1);
    expect(probe.segments.plan_order_manager.count).toBe(1);
    // Another frame is measured again.
    const u = trace(process.hrtime.bigint());
    await writeContext.run({ frameNs: u.frameNs, signed: false, trace: u, gatewayNs: u.quotedNs + 1n }, () =>
      s.sign(2, 'POST', '/amend'),
    );
    expect(probe.decision.count).toBe(2);
  });

  it('counts each echo (no frame trace) once, at its first request', async () => {
    const probe = newProbe();
    const s = instrumentedSigner(signer, probe, new Map());
    for (let i = 0; i < 3; i++)
      await writeContext.run({ frameNs: process.hrtime.bigint(), signed: false }, async () => {
        await s.sign(i, 'GET', '/balance');
        await s.sign(i, 'GET', '/balance'); // a retry of the same request
      });
    expect(probe.decision.count).toBe(3);
  });

  it('splits a measured request after sign() into the signature and the send, once its bytes reach the wire', async () => {
    const probe = newProbe();
    const signed: Signed = new Map();
    watchWire(probe, signed);
    const s = instrumentedSigner(signer, probe, signed);
    const t = trace(process.hrtime.bigint());
    const sig = await writeContext.run(
      { frameNs: t.frameNs, signed: false, trace: t, gatewayNs: t.quotedNs + 1n },
      () => s.sign(7, 'POST', '/amend'),
    );
    expect(probe.wire.count).toBe(0);
    const headers = (v: string) => ({
      headers: `content-type: application/json\r\nkalshi-access-signature: ${v}\r\n`,
    });
    channel('undici:client:sendHeaders').publish(headers('someone-else'));
    expect(probe.wire.count).toBe(0);
    channel('undici:client:sendHeaders').publish(headers(sig));
    expect(probe.wire.count).toBe(1);
    expect(probe.segments.sign.count).toBe(1);
    expect(probe.segments.send.count).toBe(1);
    // Written once: a second publish of the same request is not another sample.
    channel('undici:client:sendHeaders').publish(headers(sig));
    expect(probe.wire.count).toBe(1);
  });
});

describe('the bench worker signer', () => {
  it('signs as worker/main.ts does unless told otherwise: inline first, the rest behind the sign queue', () => {
    // The worker's trading signer (read from its source, as scale-worker reads the Dockerfile).
    const main = readFileSync(fileURLToPath(new URL('../../worker/main.ts', import.meta.url)), 'utf8');
    expect(main).toMatch(/withSignQueue\(offLoop, \{ inline: signer \}\)/);
    expect(benchSigningMode(undefined)).toBe('inline');
    expect(benchSigningMode('queue')).toBe('queue');
    expect(benchSigningMode('pool')).toBe('pool');
    expect(() => benchSigningMode('fast')).toThrow(/unknown mode fast/);
  });
});
