/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// The instrumentation started by the zero-code entry point, kept where an
// instance the application enables can find it, even one from another copy of
// this package. Both would patch the same axios and only one may: the first
// to patch wins, and the other would silently record nothing. The
// application's own takes over, since it was configured in code, hooks and
// all, which is more than the environment can say.

const ZERO_CODE_SLOT = Symbol.for('opentelemetry-instrumentation-axios: the zero-code instrumentation');

type Slot = { [ZERO_CODE_SLOT]?: object };

export function zeroCodeInstrumentation(): object | undefined {
  return (globalThis as Slot)[ZERO_CODE_SLOT];
}

export function setZeroCodeInstrumentation(instrumentation: object | undefined): void {
  if (instrumentation) (globalThis as Slot)[ZERO_CODE_SLOT] = instrumentation;
  else delete (globalThis as Slot)[ZERO_CODE_SLOT];
}
