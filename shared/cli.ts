/**
 * The one way a command line is read: `node:util` parseArgs (strict: an
 * unknown flag is an error) and a zod schema over what it returns, the same
 * `--help` layout for every command, and exit code 2 with one clear line on a
 * bad flag or value. Every entry point (`npm start`, `npm run sim`, …) is
 *
 *   const spec = defineCommand({ command: 'npm run x --', summary, options, schema });
 *   export const main = (argv, io) => runCommand(spec, argv, io, async (opts) => { …; return 0; });
 *   runIfEntry(import.meta.url, main);
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { z } from 'zod';

/** A bad option, argument, config or environment value; `field` names what to fix. Exit code 2. */
export class UsageError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'UsageError';
  }
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Repeatable (`--x a --x b`): the value is an array. */
  multiple?: boolean;
  /** The value's placeholder in --help (`FILE`, `N`); strings only. */
  arg?: string;
  /** One line for --help, including the default if any. */
  help: string;
}

export interface CommandSpec<S extends z.ZodType> {
  /** How it is invoked, e.g. `npm run dashboard --`. */
  command: string;
  summary: string;
  options: Record<string, OptionSpec>;
  /** Positional arguments (passed to the schema as `positionals`); none allowed when absent. */
  positionals?: { usage: string; help: string };
  /** Validates `{ ...flags, positionals }` (flag names as typed, e.g. `kalshi-port`). */
  schema: S;
  /** Lines after the options (environment, examples). */
  notes?: string;
}

/** Builds a spec; `--help`/`-h` is added to every command. */
export function defineCommand<S extends z.ZodType>(spec: CommandSpec<S>): CommandSpec<S> {
  return spec;
}

export interface CommandIo {
  out: { write(s: string): unknown };
  err: { write(s: string): unknown };
}

/** The --help text: usage line, summary, one line per option. */
export function usageOf(spec: CommandSpec<z.ZodType>): string {
  const rows: [string, string][] = Object.entries(spec.options).map(([name, o]) => [
    `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` ${o.arg ?? 'VALUE'}` : ''}`,
    o.help,
  ]);
  if (spec.positionals) rows.unshift([spec.positionals.usage, spec.positionals.help]);
  rows.push(['-h, --help', 'this help']);
  const width = Math.max(...rows.map(([l]) => l.length));
  const lines = [
    `usage: ${spec.command} [options]${spec.positionals ? ` ${spec.positionals.usage}` : ''}`,
    spec.summary,
    '',
    ...rows.map(([l, h]) => `  ${l.padEnd(width)}  ${h}`),
  ];
  if (spec.notes) lines.push('', spec.notes);
  return lines.join('\n');
}

function firstIssue(error: z.ZodError): UsageError {
  const issue = error.issues[0]!;
  const [head, ...rest] = issue.path.map(String);
  const field =
    head === undefined
      ? '(options)'
      : head === 'positionals'
        ? 'arguments'
        : `--${[head, ...rest].join('.')}`;
  return new UsageError(field, issue.message);
}

/** Parses argv against the spec. `{ help: true }` when asked for help; throws UsageError otherwise. */
export function parseCommandLine<S extends z.ZodType>(
  spec: CommandSpec<S>,
  argv: readonly string[],
): { help: true } | { help: false; options: z.infer<S> } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, o] of Object.entries(spec.options)) {
    options[name] = {
      type: o.type,
      ...(o.short ? { short: o.short } : {}),
      ...(o.multiple ? { multiple: true } : {}),
    };
  }
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...argv],
      options,
      strict: true,
      allowPositionals: spec.positionals !== undefined,
    });
  } catch (err) {
    const message = (err as Error).message.split('\n')[0] ?? 'bad option';
    const flag = /'(--?[\w-]+)/.exec(message)?.[1] ?? '(options)';
    throw new UsageError(
      flag,
      message
        .replace(/^.*?: /, '')
        .replace(/\.\s*$/, '')
        .replace(/ To specify .*$/, ''),
    );
  }
  const { help, ...values } = parsed.values;
  if (help === true) return { help: true };
  const input = spec.positionals ? { ...values, positionals: parsed.positionals } : values;
  const r = spec.schema.safeParse(input);
  if (!r.success) throw firstIssue(r.error);
  return { help: false, options: r.data };
}

const usageLine = (spec: CommandSpec<z.ZodType>, err: UsageError) =>
  `error: ${err.message} (see ${spec.command} --help)\n`;

/**
 * The command line read for a synchronous command: the options, or the exit
 * code when there is nothing to run (`--help` printed → 0; a bad flag or value →
 * one line `error: <field>: <message> (see … --help)` → 2).
 */
export function readCommandLine<S extends z.ZodType>(
  spec: CommandSpec<S>,
  argv: readonly string[],
  io: CommandIo,
): z.infer<S> | number {
  try {
    const parsed = parseCommandLine(spec, argv);
    if (!parsed.help) return parsed.options;
    io.out.write(`${usageOf(spec)}\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err.write(usageLine(spec, err));
    return 2;
  }
}

/**
 * Runs a command: the command line as `readCommandLine` reads it, then `run`;
 * a UsageError thrown by `run` (a bad config file, say) is also one line and
 * exit 2. Otherwise `run`'s exit code.
 */
export async function runCommand<S extends z.ZodType>(
  spec: CommandSpec<S>,
  argv: readonly string[],
  io: CommandIo,
  run: (options: z.infer<S>) => number | Promise<number>,
): Promise<number> {
  const options = readCommandLine(spec, argv, io);
  if (typeof options === 'number') return options;
  try {
    return await run(options);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err.write(usageLine(spec, err));
    return 2;
  }
}

/** True when `moduleUrl` is the script node was started with (not an import from a test). */
export function isEntry(moduleUrl: string, argv1: string | undefined = process.argv[1]): boolean {
  try {
    return argv1 !== undefined && realpathSync(argv1) === fileURLToPath(moduleUrl);
  } catch {
    return false;
  }
}

/**
 * The entry-point boilerplate: when this module is the script, run `main` with
 * the process's argv and streams, exit with its code; a crash prints one line
 * (no stack unless DEBUG is set) and exits 1.
 */
export function runIfEntry(
  moduleUrl: string,
  main: (argv: readonly string[], io: CommandIo) => number | Promise<number>,
): void {
  if (isEntry(moduleUrl)) runAsScript(main);
}

/**
 * `runIfEntry` without the entry check: for a module that is run bundled under another path
 * (a bench's esbuild child), where `import.meta.url` no longer names the script node started.
 */
export function runAsScript(
  main: (argv: readonly string[], io: CommandIo) => number | Promise<number>,
): void {
  // Local runs are on Node 20, which the locked AWS SDK versions support; the deployed code runs Node 24.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // Exit once stdout and stderr have taken everything written (pipes are asynchronous), so a
  // large report is never cut short, and a server's stray handle never keeps a finished command up.
  const exit = (code: number) =>
    process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
  Promise.resolve()
    .then(() => main(process.argv.slice(2), { out: process.stdout, err: process.stderr }))
    .then(exit, (err: unknown) => {
      process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
      if (process.env.DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
      exit(1);
    });
}
