#!/usr/bin/env node
// The `usr-readiness` CLI. Runs the TypeScript sources directly through tsx: no build step after `npm ci`.
'use strict';
// The SDK warns on every run that Node 20 loses support in 2027; the README states the Node requirement instead.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
require('tsx/cjs/api').register();
const { main, exitWhenFlushed } = require('../lambdas/cli/main.ts');

// The process exits explicitly once main() has settled: a file system request given up at its deadline would
// otherwise keep it alive for ever.
main(process.argv.slice(2)).then(exitWhenFlushed, (error) => {
  process.stderr.write(
    `usr-readiness: unexpected error: ${error && error.message ? error.message : error}\n`,
  );
  exitWhenFlushed(2);
});
