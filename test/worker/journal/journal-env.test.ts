/**
 * The journal's environment as the CDK app sets it: JOURNAL_DIR turns the
 * journal on (one folder per run, named after its start), JOURNAL_BUCKET adds
 * shipping to S3; a bad value names its variable.
 */
import { describe, expect, it } from 'vitest';
import { WorkerEnvError } from '../../../worker/config.ts';
import { journalFromEnv } from '../../../worker/journal/journal-env.ts';

const START = Date.parse('2026-01-02T03:04:05.678Z');
const field = (env: NodeJS.ProcessEnv) => {
  try {
    journalFromEnv(env, START);
  } catch (err) {
    if (err instanceof WorkerEnvError) return err.field;
    throw err;
  }
  throw new Error('expected a WorkerEnvError');
};

describe('journalFromEnv', () => {
  it('is off without JOURNAL_DIR', () => {
    expect(journalFromEnv({}, START)).toBeUndefined();
  });

  it('journals locally into a folder per run, and ships to the bucket when one is named', () => {
    expect(journalFromEnv({ JOURNAL_DIR: '/tmp/journal', JOURNAL_MAX_MB: '64' }, START)).toEqual({
      dir: '/tmp/journal/2026-01-02T03-04-05-678Z',
      maxBytes: 64 * 1024 * 1024,
    });
    const shipped = journalFromEnv(
      {
        JOURNAL_DIR: '/tmp/journal',
        JOURNAL_BUCKET: 'kalshimm-journal',
        JOURNAL_PREFIX: 'shard-1/',
        AWS_REGION: 'us-east-1',
      },
      START,
    );
    expect(shipped?.dir).toBe('/tmp/journal/2026-01-02T03-04-05-678Z');
    expect(typeof shipped?.ship?.put).toBe('function');
  });

  it('names the variable to fix', () => {
    expect(field({ JOURNAL_DIR: 'relative/dir' })).toBe('JOURNAL_DIR');
    expect(field({ JOURNAL_BUCKET: 'kalshimm-journal', AWS_REGION: 'us-east-1' })).toBe('JOURNAL_DIR');
    expect(field({ JOURNAL_DIR: '/tmp/j', JOURNAL_BUCKET: 'kalshimm-journal' })).toBe('AWS_REGION');
    expect(field({ JOURNAL_DIR: '/tmp/j', JOURNAL_BUCKET: 'Bad_Bucket', AWS_REGION: 'us-east-1' })).toBe(
      'JOURNAL_BUCKET',
    );
  });
});
