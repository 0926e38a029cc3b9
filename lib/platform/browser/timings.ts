/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// Browsers give a request's phases through Resource Timing, not through
// anything watched while it runs: nothing to start or stop here yet.

export function watchNetworkTimings(): void {}

export function unwatchNetworkTimings(): void {}
