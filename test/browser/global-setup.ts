/**
 * Inflates the packaged Chromium once, in vitest's main process, before any
 * browser test file starts: @sparticuz/chromium extracts into the temp
 * directory and only checks that the file exists, so two test files
 * extracting at once could launch a half-written binary.
 */
import { resolveChromium } from './chromium.ts';

export default async function setup(): Promise<void> {
  await resolveChromium();
}
