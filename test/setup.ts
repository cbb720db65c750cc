// CDK template tests leave cdk.out temp folders behind unless cleaned up.
import { afterAll } from 'vitest';

afterAll(async () => {
  try {
    const { CloudAssembly } = await import('aws-cdk-lib/cx-api');
    CloudAssembly.cleanupTemporaryDirectories?.();
  } catch {
    // aws-cdk-lib not loaded in this worker: nothing to clean.
  }
});
