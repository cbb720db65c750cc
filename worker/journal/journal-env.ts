/**
 * The session journal's environment (set by the CDK app, infra/constructs/worker.ts):
 *
 * | variable        | meaning                                                             |
 * | --------------- | ------------------------------------------------------------------- |
 * | JOURNAL_DIR     | absolute directory for segments; absent: no journal                 |
 * | JOURNAL_BUCKET  | S3 bucket closed segments are shipped to (then deleted locally)     |
 * | JOURNAL_PREFIX  | the shard's key prefix in the bucket (`shard-0/`)                   |
 * | JOURNAL_MAX_MB  | cap on the local directory (default 2048)                           |
 * | AWS_REGION      | the bucket's region (ECS sets it)                                   |
 *
 * Each run journals into its own folder, named after its start time.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { WorkerEnvError } from '../config.ts';
import { s3Shipper } from './s3-shipper.ts';
import type { SessionJournalOptions } from './session-journal.ts';

const schema = z
  .object({
    JOURNAL_DIR: z.string().startsWith('/', 'must be an absolute path').optional(),
    JOURNAL_BUCKET: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name')
      .optional(),
    JOURNAL_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_./-]{0,100}$/, 'must be a plain key prefix')
      .default(''),
    JOURNAL_MAX_MB: z
      .string()
      .regex(/^[1-9]\d{0,6}$/, 'must be a positive integer (MiB)')
      .optional(),
    AWS_REGION: z.string().min(1).optional(),
  })
  .refine((e) => e.JOURNAL_BUCKET === undefined || e.JOURNAL_DIR !== undefined, {
    message: 'JOURNAL_BUCKET needs JOURNAL_DIR (segments are written there first)',
    path: ['JOURNAL_DIR'],
  })
  .refine((e) => e.JOURNAL_BUCKET === undefined || e.AWS_REGION !== undefined, {
    message: "required with JOURNAL_BUCKET (the bucket's region)",
    path: ['AWS_REGION'],
  });

/** The run folder's name: its start time, safe in a path and an S3 key. */
export const runName = (startMs: number): string => new Date(startMs).toISOString().replace(/[:.]/g, '-');

/** The journal options the environment asks for, or undefined (no JOURNAL_DIR); throws WorkerEnvError. */
export function journalFromEnv(env: NodeJS.ProcessEnv, startMs: number): SessionJournalOptions | undefined {
  const r = schema.safeParse(env);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new WorkerEnvError(i.path.join('.') || '(environment)', i.message);
  }
  const e = r.data;
  if (e.JOURNAL_DIR === undefined) return undefined;
  const run = runName(startMs);
  return {
    dir: join(e.JOURNAL_DIR, run),
    ...(e.JOURNAL_MAX_MB ? { maxBytes: Number(e.JOURNAL_MAX_MB) * 1024 * 1024 } : {}),
    ...(e.JOURNAL_BUCKET
      ? {
          ship: s3Shipper({ bucket: e.JOURNAL_BUCKET, prefix: e.JOURNAL_PREFIX, run, region: e.AWS_REGION! }),
        }
      : {}),
  };
}
