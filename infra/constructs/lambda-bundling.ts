/**
 * What the Lambda bundles leave out, shared by the CDK construct, the bundle
 * test and the bench so the three always build the same artifact.
 *
 * The AWS SDK clients are bundled (minified with the handler): resolving and
 * evaluating the runtime's hundreds of SDK files was most of the cold start
 * (issue #16: module init 0.37–0.46× of the SDK-external bundle in the same
 * processes), and the deployed code then runs the SDK version the lockfile
 * pins. Only the credential chain past the environment variables stays
 * external: the clients reach it through `import()` alone, when no env
 * credentials exist — never on Lambda, which sets them — and the runtime ships
 * it. test/infra/bundle.test.ts fails if any of these is imported statically.
 */
export const LAMBDA_EXTERNAL_MODULES: readonly string[] = [
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/credential-provider-http',
  '@aws-sdk/credential-provider-login',
  '@aws-sdk/nested-clients',
  '@aws-sdk/nested-clients/*',
  '@aws-sdk/token-providers',
];

/** The Lambda runtime's Node major (`Runtime.NODEJS_24_X`): NodejsFunction derives esbuild's target from it. */
export const LAMBDA_NODE_MAJOR = 24;

/** ESM bundles still meet CommonJS dependencies that call require(). */
export const LAMBDA_ESM_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * An external source map beside each bundle, and Node told to use it, so a
 * stack trace in the logs names our source. Not free: Node reads and parses
 * the map (≈ 5× the bundle) when it loads the bundle, part of every cold
 * start, so bench/lambdas.ts measures init with both, as deployed.
 */
export const LAMBDA_SOURCE_MAP = true;
export const LAMBDA_NODE_OPTIONS = '--enable-source-maps';

/**
 * The map carries the mappings and names, not a copy of every bundled source file: a stack trace still
 * names our file, line and function, while the map shrinks from ≈ 2.2 MB to ≈ 0.7 MB and Node's read and
 * parse of it at init costs ≈ 13 ms less CPU (issue #16, docs/BENCHMARKS.md).
 */
export const LAMBDA_SOURCES_CONTENT = false;
