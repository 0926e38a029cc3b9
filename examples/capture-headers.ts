/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// Capture HTTP Headers: `captureHeaders: true` records the request and
// response headers as `http.request.header.<name>` / `http.response.header.<name>`.
// The second request shows that Set-Cookie values are written as [REDACTED].
// Run alone with `npx tsx examples/capture-headers.ts`.

import type { AxiosStatic } from 'axios';
import { AxiosInstrumentation } from 'opentelemetry-instrumentation-axios';

import { runStandalone } from './support/loopback-server';
import { startTracing } from './support/tracing';

export async function main(baseUrl: string): Promise<void> {
  const stopTracing = startTracing(new AxiosInstrumentation({ captureHeaders: true }));
  try {
    // Loaded only now, after the SDK has started, so that the instrumentation
    // can patch axios as it is loaded.
    const axios: AxiosStatic = require('axios');

    const echo = await axios.get(`${baseUrl}/get`, { responseType: 'text' });
    console.log(`GET /get -> ${echo.status} (${echo.data.length} characters of text)`);

    const cookies = await axios.get(`${baseUrl}/cookies`);
    console.log(`GET /cookies -> ${cookies.status}; the application still sees set-cookie ${JSON.stringify(cookies.headers['set-cookie'])}`);
  } finally {
    await stopTracing();
  }
}

if (require.main === module) runStandalone(main);
