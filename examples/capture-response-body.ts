/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// Capture HTTP Response Bodies: `captureResponseBody: true` records the raw
// response text as `http.response.body.content` (cut at `maxBodyLength`,
// 16384 characters by default); the application still gets the parsed JSON.
// Run alone with `npx tsx examples/capture-response-body.ts`.

import type { AxiosStatic } from 'axios';
import { AxiosInstrumentation } from 'opentelemetry-instrumentation-axios';

import { runStandalone } from './support/loopback-server';
import { startTracing } from './support/tracing';

export async function main(baseUrl: string): Promise<void> {
  const stopTracing = startTracing(new AxiosInstrumentation({ captureResponseBody: true }));
  try {
    // Loaded only now, after the SDK has started, so that the instrumentation
    // can patch axios as it is loaded.
    const axios: AxiosStatic = require('axios');

    const response = await axios.get(`${baseUrl}/get`, { params: { page: 2 } });
    console.log(`GET /get -> ${response.status}; parsed body args ${JSON.stringify(response.data.args)}`);
  } finally {
    await stopTracing();
  }
}

if (require.main === module) runStandalone(main);
