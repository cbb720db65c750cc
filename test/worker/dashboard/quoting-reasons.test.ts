/**
 * The page knows the whole closed set of quoting reasons (shared/liveness/quoting-state.ts), and
 * calls idle-by-design exactly the reasons the liveness alarm expects.
 */
import { describe, expect, it } from 'vitest';
import { EXPECTED_IDLE_REASONS, QuotingReason } from '../../../shared/liveness/quoting-state.ts';
// @ts-expect-error: the page's plain-JS module has no types
import { QUOTING_REASONS, quotingReason } from '../../../worker/dashboard/static/format.js';

const table = QUOTING_REASONS as Record<string, { text: string; kind: string }>;
const reasonOf = quotingReason as (state: string) => { text: string; kind: string };

describe('dashboard quoting reasons', () => {
  it('has every reason of the closed set and no other', () => {
    expect(Object.keys(table).sort()).toEqual([...QuotingReason.options].sort());
  });

  it('marks expected exactly the idle-by-design reasons; quoting ok; the rest unexpected', () => {
    for (const r of QuotingReason.options) {
      const kind = r === 'quoting' ? 'ok' : EXPECTED_IDLE_REASONS.has(r) ? 'expected' : 'unexpected';
      expect(reasonOf(r).kind, r).toBe(kind);
      expect(reasonOf(r).text.length, r).toBeGreaterThan(0);
    }
  });

  it('shows an unknown state as sent, unexpected; the desk pause as expected', () => {
    expect(reasonOf('teleported')).toEqual({ text: 'teleported', kind: 'unexpected' });
    expect(reasonOf('toString')).toEqual({ text: 'toString', kind: 'unexpected' });
    expect(reasonOf('paused')).toEqual({ text: 'paused', kind: 'expected' });
  });
});
