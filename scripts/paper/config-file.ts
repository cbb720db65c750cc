/**
 * `--config FILE`: the engine configuration as JSON, validated by the engine's
 * own schema (shared/config). A bad file stops the program with the field named.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, type EngineConfig, parseEngineConfig } from '../../shared/config/engine-config.ts';
import { UsageError } from './options.ts';

export function loadEngineConfig(path: string | undefined): EngineConfig {
  if (path === undefined) return parseEngineConfig({});
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(
      '--config',
      `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`config ${path}`, `not valid JSON (${(err as Error).message})`);
  }
  try {
    return parseEngineConfig(raw);
  } catch (err) {
    if (err instanceof ConfigError) {
      const first = err.issues[0];
      throw new UsageError(`config ${path}: ${first?.path || '(root)'}`, first?.message ?? 'invalid');
    }
    throw err;
  }
}
