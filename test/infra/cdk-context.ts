import { readFileSync } from 'node:fs';

/** The feature flags from cdk.json, so tests synthesise what `cdk synth` synthesises. */
export function cdkJsonContext(): Record<string, unknown> {
  const json = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return json.context ?? {};
}
