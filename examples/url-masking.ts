/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// Hiding sensitive URL parameters: `urlFilter` decides what `url.full` records.
// It receives the URL after the default redaction (userinfo and signature
// parameters such as X-Amz-Signature already read REDACTED); the request
// itself goes out unchanged. Run alone with `npx tsx examples/url-masking.ts`.

import type { AxiosStatic } from 'axios';
import { AxiosInstrumentation } from 'opentelemetry-instrumentation-axios';

import { runStandalone } from './support/loopback-server';
import { startTracing } from './support/tracing';

const SENSITIVE_KEYS = new Set(['username', 'password', 'token', 'api_key', 'api_secret', 'apikey']);

function maskUrl(url: URL): string {
  // One entry per key, as in the reference's dict comprehension: a repeated
  // key keeps its first position and its last value.
  const masked = new Map<string, string>();
  for (const [key, value] of url.searchParams) masked.set(key, SENSITIVE_KEYS.has(key) ? '*****' : value);
  const result = new URL(url);
  result.search = new URLSearchParams([...masked]).toString();
  return result.href;
}

export async function main(baseUrl: string): Promise<void> {
  const stopTracing = startTracing(new AxiosInstrumentation({ urlFilter: maskUrl }));
  try {
    // Loaded only now, after the SDK has started, so that the instrumentation
    // can patch axios as it is loaded.
    const axios: AxiosStatic = require('axios');

    const response = await axios.get(`${baseUrl}/get?username=alice&password=hunter2`, {
      params: { api_key: 'sk-example', page: 2, 'X-Amz-Signature': 'abc123' },
    });
    console.log(`GET /get -> ${response.status}; the server received the unmasked URL ${response.data.url}`);
  } finally {
    await stopTracing();
  }
}

if (require.main === module) runStandalone(main);
