/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { Context, createContextKey } from '@opentelemetry/api';

import { NETWORK_TIMINGS_KEY, NetworkTimingsHolder } from './network-timings';

// `suppressTracing()` of @opentelemetry/core sets this key. Context keys are
// `Symbol.for(description)`, so this is the same key without a dependency on
// core, whose 2.x and 3.x lines require different versions of the API.
export const SUPPRESS_TRACING_KEY = createContextKey('OpenTelemetry SDK Context Key SUPPRESS_TRACING');

/**
 * The context an attempt (the request, or a redirect hop) is sent in: it
 * carries the request's state, where the platform finds the attempt's network
 * timings; lower-level HTTP instrumentations suppressed unless their spans are kept.
 */
export function transportContext(
  requestContext: Context,
  state: NetworkTimingsHolder & { options: { keepTransportSpans?: boolean } }
): Context {
  const withTimings = requestContext.setValue(NETWORK_TIMINGS_KEY, state);
  return state.options.keepTransportSpans ? withTimings : withTimings.setValue(SUPPRESS_TRACING_KEY, true);
}
