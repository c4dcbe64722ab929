// Two roles around one jest results file, so its one-line summary names the Node that ran the tests:
// - required by jest (jest.config.js `testResultsProcessor`): stamps `nodeVersion` (the jest process's own
//   process.version) onto the results before `--json --outputFile` writes them;
// - run as a script: prints jest's totals as one plain line for CI logs,
//   "tests: N passed, N failed (node vX.Y.Z)". `--require-node <major>` exits 1 when another Node ran them.
'use strict';
const fs = require('node:fs');

/** jest's testResultsProcessor: the aggregated results, stamped with the Node version that produced them. */
function stampNodeVersion(results) {
  return Object.assign(results, { nodeVersion: process.version });
}

function fail(message) {
  process.stderr.write(`test-summary: ${message}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const args = { file: '.out/jest-results.json', requireNode: undefined };
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--require-node') args.requireNode = argv[++i];
    else args.file = argv[i];
  }
  return args;
}

function readResults(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    return fail(`${file}: ${error.message}`);
  }
}

function main(argv) {
  const { file, requireNode } = parseArgs(argv);
  const results = readResults(file);
  const node = results.nodeVersion;
  if (typeof node !== 'string') fail(`${file}: nodeVersion missing (jest ran without jest.config.js)`);
  process.stdout.write(
    `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed` +
      (results.numPendingTests ? `, ${results.numPendingTests} skipped` : '') +
      ` (node ${node})\n`,
  );
  if (requireNode !== undefined && !node.startsWith(`v${requireNode}.`)) {
    fail(`${file}: ran on node ${node}, expected node ${requireNode}`);
  }
}

if (require.main === module) main(process.argv.slice(2));
else module.exports = stampNodeVersion;
