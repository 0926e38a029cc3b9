/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// A CommonJS application: the SDK starts first, then `require('axios')`. No
// manuallyInstrument: the spans come from the module hook (require-in-the-middle)
// alone, on Node, Bun and Deno.

'use strict';

const telemetry = require('./telemetry.cjs');
const axios = require('axios');
const { runChecks, printInfo, finish } = require('./checks.cjs');

printInfo('CommonJS, module hook');
runChecks(axios, telemetry)
  .then((counts) => finish(telemetry, counts))
  .catch((error) => {
    console.error(error);
    console.log('0 passed, 1 failed');
    process.exitCode = 1;
  });
