/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// Usage: one CLIENT span per request, with the default options (no headers,
// no bodies). Run alone with `npx tsx examples/basic.ts`.

import type { AxiosStatic } from 'axios';
import { AxiosInstrumentation } from 'opentelemetry-instrumentation-axios';

import { runStandalone } from './support/loopback-server';
import { startTracing } from './support/tracing';

export async function main(baseUrl: string): Promise<void> {
  const stopTracing = startTracing(new AxiosInstrumentation());
  try {
    // Loaded only now, after the SDK has started, so that the instrumentation
    // can patch axios as it is loaded.
    const axios: AxiosStatic = require('axios');

    const response = await axios.get(`${baseUrl}/get`);
    // The trace context travelled with the request: same trace id as the span.
    console.log(`GET /get -> ${response.status}; the server received traceparent ${response.data.headers.traceparent}`);
  } finally {
    await stopTracing();
  }
}

if (require.main === module) runStandalone(main);
