import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { coldStart } from '../../../functions/runtime/cold-start.ts';

const schema = z.object({ TABLE_NAME: z.string().min(1) });
const saved = process.env.TABLE_NAME;
afterEach(() => {
  if (saved === undefined) delete process.env.TABLE_NAME;
  else process.env.TABLE_NAME = saved;
});

describe('coldStart', () => {
  it('wires once per execution environment and reuses the wiring for every invocation', async () => {
    process.env.TABLE_NAME = 'kmm';
    const wired: string[] = [];
    const handler = coldStart(schema, (env) => {
      wired.push(env.TABLE_NAME);
      return async (event) => ({ table: env.TABLE_NAME, event });
    });
    expect(wired).toEqual([]); // nothing at import time
    expect(await handler({ n: 1 })).toEqual({ table: 'kmm', event: { n: 1 } });
    expect(await handler({ n: 2 })).toEqual({ table: 'kmm', event: { n: 2 } });
    expect(wired).toEqual(['kmm']);
  });

  it('a bad environment fails the invocation naming the variable, and the next one tries again', async () => {
    delete process.env.TABLE_NAME;
    let wires = 0;
    const handler = coldStart(schema, () => {
      wires++;
      return async () => 'ok';
    });
    await expect(async () => handler({})).rejects.toThrow(/invalid Lambda environment: TABLE_NAME/);
    process.env.TABLE_NAME = 'kmm';
    expect(await handler({})).toBe('ok');
    expect(wires).toBe(1);
  });
});
