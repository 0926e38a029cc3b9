/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

export { environmentVariable } from './environment';
export { copyText, decodeBytes } from './text';
export { absoluteRequestUrl, tracePropagationFilter, transportDecodedBody } from './requests';
export { finishNetworkTimings, startNetworkTimings } from './timings';
export type { NetworkTimings, SettledRequest } from './timings';
