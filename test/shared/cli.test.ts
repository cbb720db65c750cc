/**
 * The one command-line helper: strict flags, zod values, the same --help,
 * exit 2 with one line naming the flag on any bad input.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCommand, parseCommandLine, runCommand, UsageError, usageOf } from '../../shared/cli.ts';

const spec = defineCommand({
  command: 'npm run demo --',
  summary: 'A demo command.',
  options: {
    port: { type: 'string', arg: 'N', help: 'port (default 80)' },
    verbose: { type: 'boolean', short: 'v', help: 'say more' },
    tag: { type: 'string', multiple: true, arg: 'T', help: 'repeatable' },
  },
  positionals: { usage: 'FILE...', help: 'input files' },
  schema: z.object({
    port: z.coerce.number().int('must be an integer').min(1).max(65_535, 'must be ≤ 65535').default(80),
    verbose: z.boolean().default(false),
    tag: z.array(z.string()).default([]),
    positionals: z.array(z.string()).min(1, 'give at least one FILE'),
  }),
});

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { out: { write: (s: string) => out.push(s) }, err: { write: (s: string) => err.push(s) } },
  };
}

describe('shared/cli', () => {
  it('parses flags and positionals through the schema, with defaults', () => {
    const r = parseCommandLine(spec, ['--port', '8080', '-v', '--tag', 'a', '--tag', 'b', 'x.json']);
    expect(r).toEqual({
      help: false,
      options: { port: 8080, verbose: true, tag: ['a', 'b'], positionals: ['x.json'] },
    });
    expect(parseCommandLine(spec, ['y.json'])).toEqual({
      help: false,
      options: { port: 80, verbose: false, tag: [], positionals: ['y.json'] },
    });
  });

  it.each([
    [['--prot', '1', 'f'], '--prot'],
    [['--port', 'abc', 'f'], '--port'],
    [['--port', '70000', 'f'], '--port'],
    [['--port'], '--port'],
    [[], 'arguments'],
  ])('%j is a usage error naming %s', (argv, field) => {
    expect(() => parseCommandLine(spec, argv)).toThrow(UsageError);
    try {
      parseCommandLine(spec, argv);
    } catch (e) {
      expect((e as UsageError).field).toBe(field);
      expect((e as UsageError).message).not.toContain('\n');
    }
  });

  it('runCommand: bad flag → exit 2, one error line and a pointer to --help; nothing runs', async () => {
    const t = io();
    let ran = false;
    const code = await runCommand(spec, ['--nope', 'f'], t.io, () => {
      ran = true;
      return 0;
    });
    expect(code).toBe(2);
    expect(ran).toBe(false);
    expect(t.err.join('')).toMatch(/^error: --nope: [^\n]+ \(see npm run demo -- --help\)\n$/);
  });

  it('runCommand: --help prints the usage and exits 0; a UsageError from the run itself exits 2', async () => {
    const t = io();
    expect(await runCommand(spec, ['--help'], t.io, () => 1)).toBe(0);
    expect(t.out.join('')).toBe(`${usageOf(spec)}\n`);
    expect(usageOf(spec)).toMatch(
      /^usage: npm run demo -- \[options\] FILE\.\.\.\nA demo command\.\n\n {2}FILE\.\.\. +input files\n {2}--port N +port/,
    );
    expect(usageOf(spec)).toContain('-v, --verbose');
    const u = io();
    expect(
      await runCommand(spec, ['f'], u.io, () => {
        throw new UsageError('--config', 'no such file');
      }),
    ).toBe(2);
    expect(u.err[0]).toBe('error: --config: no such file (see npm run demo -- --help)\n');
  });
});
