// Test helper for code-server, which has no --extensionTestsPath: once the workbench has started,
// load the integration suite named by SMCT_INTEGRATION_SUITE, run it, and write its report to
// SMCT_INTEGRATION_REPORT (atomically, so the harness never reads half a file).
'use strict';
const fs = require('node:fs');

exports.activate = async function activate() {
  const suite = process.env.SMCT_INTEGRATION_SUITE;
  const reportFile = process.env.SMCT_INTEGRATION_REPORT;
  if (!suite || !reportFile) return;
  let report;
  try {
    report = await require(suite).runWithReport();
  } catch (error) {
    report = { passed: 0, failed: 1, tests: [{ title: 'loading the integration suite', state: 'failed', error: String(error && error.stack) }] };
  }
  fs.writeFileSync(`${reportFile}.partial`, JSON.stringify(report));
  fs.renameSync(`${reportFile}.partial`, reportFile);
};

exports.deactivate = function deactivate() {};
