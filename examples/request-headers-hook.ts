/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// Capture Only Request Headers: a requestHook that records the request headers
// and leaves the response headers out. The hook sees the final request config,
// trace headers included; the transport adds User-Agent, Accept-Encoding, Host
// and Content-Length only after it. Unlike `captureHeaders`, a hook writes
// values as it finds them: filter sensitive headers here if you send any.
// Run alone with `npx tsx examples/request-headers-hook.ts`.

import type { Span } from '@opentelemetry/api';
import { ATTR_HTTP_REQUEST_HEADER } from '@opentelemetry/semantic-conventions';
import type { AxiosStatic } from 'axios';
import { AxiosInstrumentation, type AxiosRequestHookInfo } from 'opentelemetry-instrumentation-axios';

import { runStandalone } from './support/loopback-server';
import { startTracing } from './support/tracing';

function captureRequestHeaders(span: Span, info: AxiosRequestHookInfo): void {
  for (const [name, value] of info.config.headers) {
    if (value === null || value === undefined || value === false) continue;
    const values = Array.isArray(value) ? value.map(String) : [String(value)];
    span.setAttribute(ATTR_HTTP_REQUEST_HEADER(name.toLowerCase()), values);
  }
}

export async function main(baseUrl: string): Promise<void> {
  const stopTracing = startTracing(new AxiosInstrumentation({ requestHook: captureRequestHeaders }));
  try {
    // Loaded only now, after the SDK has started, so that the instrumentation
    // can patch axios as it is loaded.
    const axios: AxiosStatic = require('axios');

    const response = await axios.get(`${baseUrl}/get`, {
      headers: { 'X-Request-Id': 'example-request-1' },
      responseType: 'text',
    });
    console.log(`GET /get -> ${response.status} (${response.data.length} characters of text)`);
  } finally {
    await stopTracing();
  }
}

if (require.main === module) runStandalone(main);
