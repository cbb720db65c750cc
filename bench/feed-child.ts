/**
 * The feed-throughput bench in a process of its own, bundled as the worker image is built
 * (bench/feed-throughput.ts `benchFeedThroughputAsBuilt`): prints its figures as one JSON line.
 */
import { benchFeedThroughput } from './feed-throughput.ts';

process.stdout.write(`${JSON.stringify(await benchFeedThroughput())}\n`);
