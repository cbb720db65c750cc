/** The shared wait: done once the condition holds, and a hang ends naming what never happened. */
import { describe, expect, it } from 'vitest';
import { waitFor, waitForValue } from './wait-for.ts';

describe('waitFor', () => {
  it('resolves once the condition holds, sync or async', async () => {
    let n = 0;
    setTimeout(() => {
      n = 3;
    }, 5);
    await waitFor(() => n === 3, { what: 'n to be 3' });
    await waitFor(async () => n > 2, { what: 'n past 2' });
    expect(n).toBe(3);
  });

  it('past its bound rejects naming what it waited for, and the last value read', async () => {
    await expect(waitFor(() => false, { what: 'the impossible', timeoutMs: 20 })).rejects.toThrow(
      /timed out after 20 ms waiting for the impossible/,
    );
    await expect(
      waitForValue(
        () => 7,
        (v) => v > 10,
        { what: 'a big number', timeoutMs: 20 },
      ),
    ).rejects.toThrow(/a big number \(last seen: 7\)/);
    expect(
      await waitForValue(
        () => 11,
        (v) => v > 10,
        { what: 'a big number' },
      ),
    ).toBe(11);
  });
});
