/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { channel } from 'diagnostics_channel';
import * as http from 'http';
import * as https from 'https';
import { isWrapped } from '@opentelemetry/instrumentation';

// `@opentelemetry/instrumentation-undici` learns of every request of Node's
// fetch from this channel of undici's, and records its own
// `http.client.request.duration` for each one, traced or suppressed alike.
const undiciRequestCreated = channel('undici:request:create');

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
  if (viaHttpAdapter) return isWrapped(http.request) || isWrapped(https.request);
  return typeof Request === 'function' && sentRequest instanceof Request && undiciRequestCreated.hasSubscribers;
}
