/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// An ESM application: `import axios from 'axios'` loads axios' ESM build, a
// copy of its own. One of three modes:
//   --hook          started with register.mjs preloaded, on a runtime whose
//                   loader hook works (Node): the hook alone traces axios.
//   --hook-ignored  started with register.mjs preloaded, on a runtime that
//                   ignores the loader hook (Bun, Deno): a request is not traced,
//                   then manuallyInstrument(axios) makes everything traced.
//   --manual        no preload: the app imports tracing.mjs and calls
//                   manuallyInstrument(axios) (the README's Bun and Deno setup).

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import axios from 'axios';
import checks from './checks.cjs';

const { runChecks, checkUntraced, printInfo, finish } = checks;
const mode = process.argv.slice(2).find((arg) => ['--hook', '--hook-ignored', '--manual'].includes(arg));
// With a preload, register.mjs has loaded telemetry.cjs already: this is that same module.
const telemetry =
  mode === '--manual' ? await import('./tracing.mjs') : (await import('./telemetry.cjs')).default;
const instrumentation = telemetry.axiosInstrumentation;

function checkEsmCopy() {
  const name = 'the app’s axios is the ESM build, a different copy from require("axios")';
  try {
    assert.equal(typeof axios.get, 'function');
    assert.notEqual(axios, createRequire(import.meta.url)('axios'));
    console.log(`ok - ${name}`);
    return { passed: 1, failed: 0 };
  } catch (error) {
    console.log(`not ok - ${name}\n${String(error.stack || error).replace(/^/gm, '    ')}`);
    return { passed: 0, failed: 1 };
  }
}

async function main() {
  printInfo(`ESM, ${mode ? mode.slice(2) : 'no mode given'}`);
  if (!mode) throw new Error('give --hook, --hook-ignored or --manual');
  const counts = [checkEsmCopy()];
  if (mode === '--hook-ignored') {
    counts.push(await checkUntraced(axios, telemetry, 'with the loader hook registered, an ESM request gets no span and no traceparent'));
  }
  if (mode !== '--hook') instrumentation.manuallyInstrument(axios);
  counts.push(await runChecks(axios, telemetry));
  await finish(telemetry, {
    passed: counts.reduce((sum, c) => sum + c.passed, 0),
    failed: counts.reduce((sum, c) => sum + c.failed, 0),
  });
}

main().catch((error) => {
  console.error(error);
  console.log('0 passed, 1 failed');
  process.exitCode = 1;
});
