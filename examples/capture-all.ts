/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// Capture Everything: `captureAll: true` records the request and response
// headers and bodies. Sensitive headers (here Authorization) are written as
// [REDACTED]. Run alone with `npx tsx examples/capture-all.ts`.

import type { AxiosStatic } from 'axios';
import { AxiosInstrumentation } from 'opentelemetry-instrumentation-axios';

import { runStandalone } from './support/loopback-server';
import { startTracing } from './support/tracing';

export async function main(baseUrl: string): Promise<void> {
  const stopTracing = startTracing(new AxiosInstrumentation({ captureAll: true }));
  try {
    // Loaded only now, after the SDK has started, so that the instrumentation
    // can patch axios as it is loaded.
    const axios: AxiosStatic = require('axios');

    const response = await axios.post(
      `${baseUrl}/post`,
      { key: 'value' },
      { headers: { Authorization: 'Bearer example-secret-token' } }
    );
    console.log(`POST /post -> ${response.status}; the server echoed json ${JSON.stringify(response.data.json)}`);
  } finally {
    await stopTracing();
  }
}

if (require.main === module) runStandalone(main);
