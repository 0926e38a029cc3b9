/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { isWrapped } from '@opentelemetry/instrumentation';

// Node's modules through `process.getBuiltinModule` (Node >= 20.16), not
// imports: the Node platform stays free of module imports, which a bundler
// would have to resolve.
type DiagnosticsChannel = typeof import('diagnostics_channel');
type HttpModule = typeof import('http');

function builtin<T>(name: string): T | undefined {
  const getBuiltinModule = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  return typeof getBuiltinModule === 'function' ? (getBuiltinModule(name) as T) : undefined;
}

const http = builtin<HttpModule>('http');
const https = builtin<HttpModule>('https');
// `@opentelemetry/instrumentation-undici` learns of every request of Node's
// fetch from this channel of undici's, and records its own
// `http.client.request.duration` for each one, traced or suppressed alike.
const undiciRequestCreated = builtin<DiagnosticsChannel>('diagnostics_channel')?.channel('undici:request:create');

/**
 * Whether an OpenTelemetry instrumentation of the transport records
 * `http.client.request.duration` for a request that reached it:
 * `@opentelemetry/instrumentation-http` wraps `request` of Node's `http` and
 * `https` (axios' http adapter ends there), `-undici` listens to undici (the
 * fetch adapter's transport). Both record the metric even where our span
 * suppresses theirs, so the request would be counted twice.
 *
 * @param viaHttpAdapter the request went through axios' http adapter
 * @param sentRequest what axios reports as the request sent (none when the transport was never reached)
 */
export function transportRecordsDuration(viaHttpAdapter: boolean, sentRequest: unknown): boolean {
  if (sentRequest === undefined || sentRequest === null) return false;
  if (viaHttpAdapter) return isWrapped(http?.request) || isWrapped(https?.request);
  return typeof Request === 'function' && sentRequest instanceof Request && undiciRequestCreated?.hasSubscribers === true;
}
