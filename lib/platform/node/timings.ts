/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { Span } from '@opentelemetry/api';

// The phase events of a request on Node come from its socket, not from a
// timing entry; until they are recorded here, a Node request has none.

export type NetworkTimings = never;

export interface SettledRequest {
  answered: boolean;
  bodySizeKnown: boolean;
  clearTimingResources: boolean;
  timeOrigin: number;
}

export function startNetworkTimings(_href: string | undefined): NetworkTimings | undefined {
  return undefined;
}

export function finishNetworkTimings(_timings: NetworkTimings, _span: Span, _settled: SettledRequest, done: () => void): void {
  done();
}
