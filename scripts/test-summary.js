// Prints jest's totals as one plain line ("N passed, N failed") after `npm run jest`, for CI logs.
'use strict';
const fs = require('node:fs');
const results = JSON.parse(fs.readFileSync(process.argv[2] ?? '.out/jest-results.json', 'utf8'));
process.stdout.write(
  `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed` +
    (results.numPendingTests ? `, ${results.numPendingTests} skipped` : '') +
    '\n',
);
