// Oracle for xc's differential policy test: reads JSON lines {"id", "sim"} on stdin, evaluates
// each `sim` with @cloud-copilot/iam-simulate and writes {"id", "resultType", "overall",
// "resource"} (or "errors") per line on stdout.
//
// iam-simulate is AGPL-licensed and used only here, as an external test oracle installed by the
// test setup into $XC_NPM_DIR/node_modules; it is never vendored, linked or shipped.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as readline from 'node:readline';

const PINNED_VERSION = '0.1.173';
const npmDir = process.env.XC_NPM_DIR;
if (!npmDir) {
  console.error('XC_NPM_DIR is not set (it must point at tests/npm)');
  process.exit(2);
}
const require = createRequire(npmDir + '/package.json');
let simulator;
try {
  simulator = require('@cloud-copilot/iam-simulate');
} catch (e) {
  console.error(`cannot load @cloud-copilot/iam-simulate from ${npmDir}/node_modules (run npm ci in tests/npm): ${e.message}`);
  process.exit(3);
}
const version = JSON.parse(readFileSync(npmDir + '/node_modules/@cloud-copilot/iam-simulate/package.json', 'utf8')).version;
if (version !== PINNED_VERSION) {
  console.error(`@cloud-copilot/iam-simulate ${version} is installed; the differential test is pinned to ${PINNED_VERSION}`);
  process.exit(4);
}

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  const { id, sim } = JSON.parse(line);
  if (typeof sim.request.principal === 'object') sim.request.principal = simulator.anonymousPrincipal;
  let record;
  try {
    const r = await simulator.runSimulation(sim, {});
    record = { id, resultType: r.resultType };
    if (r.resultType === 'error') record.errors = r.errors;
    else {
      record.overall = r.overallResult;
      record.resource = r.result?.analysis?.resourceAnalysis?.result ?? null;
    }
  } catch (e) {
    record = { id, resultType: 'exception', errors: String(e && e.stack || e) };
  }
  process.stdout.write(JSON.stringify(record) + '\n');
}
