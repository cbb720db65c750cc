/**
 * The adapters read the session only through the link: before the session is
 * bound nothing of it is assumed (no write passes the fence, no market is
 * ours); after, every read is the session's own; it binds once.
 */
import { describe, expect, it } from 'vitest';
import { SessionLink } from '../../../worker/engine/session-link.ts';
import { A, EVENT, sessionRig, started } from './session-rig.ts';

describe('SessionLink', () => {
  it('before a session is bound: the fence is closed, no grid, no writes in flight, no market is ours', () => {
    const link = new SessionLink();
    expect(link.writeFence()).toBe('session not started');
    expect(link.priceRangesOf(A)).toBeUndefined();
    expect(link.writesInFlight()).toBe(0);
    expect(link.eventOf(A)).toBeUndefined();
  });

  it("bound: every read is the session's, and the fence closes with its kill switch", async () => {
    const r = await started(sessionRig());
    const link = new SessionLink();
    link.bind(r.session);
    expect(link.writeFence()).toBeNull();
    expect(link.eventOf(A)).toBe(EVENT);
    expect(link.priceRangesOf(A)).toEqual(r.session.priceRangesOf(A));
    expect(link.writesInFlight()).toBe(r.session.writesInFlight());
    void r.session.kill('flag', 'test'); // trips at once; the flatten runs on the driven clock
    expect(link.writeFence()).toBe('kill switch');
  });

  it('binds once', async () => {
    const r = await started(sessionRig());
    const link = new SessionLink();
    link.bind(r.session);
    expect(() => link.bind(r.session)).toThrow(/already bound/);
  });
});
