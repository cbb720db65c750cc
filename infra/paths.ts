import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root: Lambda entries, the lock file and the worker image build context are relative to it. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoPath = (...parts: string[]) => resolve(REPO_ROOT, ...parts);
