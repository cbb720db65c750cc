/**
 * The worker container's health check, shared by the CDK app (which configures ECS to run it)
 * and the worker (which touches the file, worker/health.ts). The worker touches the file on every
 * heartbeat (and while it waits for its lease); ECS runs `healthCheckCommand` every 30 s. A worker
 * whose event loop is blocked or hung stops touching it, ECS marks the container unhealthy and
 * the service replaces the task. A live loop whose session stopped heartbeating is the heartbeat
 * alarm's business.
 */

/** Older than this, the worker is unhealthy (heartbeat every 10 s: several missed beats). */
export const HEALTH_MAX_AGE_MS = 60_000;

/** The health file's directory is a task volume: the root filesystem is read-only. */
export const HEALTH_DIR = '/tmp';
export const HEALTH_FILE = `${HEALTH_DIR}/worker-heartbeat`;

/** Exit 0 if `file` was touched within `maxAgeMs`, else 1 (missing file: 1). Runs in the image (node, no shell). */
export function healthCheckCommand(
  file: string = HEALTH_FILE,
  maxAgeMs: number = HEALTH_MAX_AGE_MS,
): string[] {
  const code = `try{process.exit(Date.now()-require('fs').statSync(process.argv[1]).mtimeMs<${maxAgeMs}?0:1)}catch{process.exit(1)}`;
  return ['CMD', 'node', '-e', code, file];
}
