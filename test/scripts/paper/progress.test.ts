import { describe, expect, it } from 'vitest';
import { progressBar, progressWriter } from '../../../scripts/paper/progress.ts';

describe('progress', () => {
  it('draws a bounded bar', () => {
    expect(progressBar(0, 10, 10)).toBe('[..........]   0%');
    expect(progressBar(5, 10, 10)).toBe('[#####.....]  50%');
    expect(progressBar(20, 10, 10)).toBe('[##########] 100%');
    expect(progressBar(1, 0, 4)).toBe('[....]   0%');
  });

  it('prints plain lines when not on a terminal', () => {
    const out: string[] = [];
    const stream = { isTTY: false, write: (s: string) => out.push(s) } as unknown as NodeJS.WriteStream;
    const w = progressWriter(stream);
    w.update('a');
    w.update('a');
    w.update('b');
    w.done('ready');
    expect(out).toEqual(['a\n', 'b\n', 'ready\n']);
  });
});
