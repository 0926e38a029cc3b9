/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// Capture Only Response Headers: a responseHook that records the response
// headers whenever the server answered (also for statuses axios rejects);
// `info.response` is undefined when the request failed without an answer.
// Unlike `captureHeaders`, a hook writes values as it finds them: filter
// sensitive headers here if the server sends any.
// Run alone with `npx tsx examples/response-headers-hook.ts`.

import type { Span } from '@opentelemetry/api';
import { ATTR_HTTP_RESPONSE_HEADER } from '@opentelemetry/semantic-conventions';
import type { AxiosStatic } from 'axios';
import { AxiosInstrumentation, type AxiosResponseHookInfo } from 'opentelemetry-instrumentation-axios';

import { runStandalone } from './support/loopback-server';
import { startTracing } from './support/tracing';

function captureResponseHeaders(span: Span, info: AxiosResponseHookInfo): void {
  if (!info.response) return;
  for (const [name, value] of Object.entries(info.response.headers)) {
    if (value === null || value === undefined || value === false) continue;
    const values = Array.isArray(value) ? value.map(String) : [String(value)];
    span.setAttribute(ATTR_HTTP_RESPONSE_HEADER(name.toLowerCase()), values);
  }
}

export async function main(baseUrl: string): Promise<void> {
  const stopTracing = startTracing(new AxiosInstrumentation({ responseHook: captureResponseHeaders }));
  try {
    // Loaded only now, after the SDK has started, so that the instrumentation
    // can patch axios as it is loaded.
    const axios: AxiosStatic = require('axios');

    const response = await axios.get(`${baseUrl}/get`, { responseType: 'text' });
    console.log(`GET /get -> ${response.status} (${response.data.length} characters of text)`);
  } finally {
    await stopTracing();
  }
}

if (require.main === module) runStandalone(main);
