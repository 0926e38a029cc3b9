/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// The instrumentation started by the zero-code entry point, kept where an
// instance the application enables can find it, even one from another copy of
// this package. Both would patch the same axios and only one may: the first
// to patch wins, and the other would silently record nothing. The
// application's own takes over, since it was configured in code, hooks and
// all, which is more than the environment can say. (Browsers have no entry
// point to start one: their version of this finds nothing.)

import { diag } from '@opentelemetry/api';

import { AxiosModule, findAxiosModule } from '../../axios-internals';

const ZERO_CODE_SLOT = Symbol.for('opentelemetry-instrumentation-axios: the zero-code instrumentation');

type Slot = { [ZERO_CODE_SLOT]?: object };

export function zeroCodeInstrumentation(): object | undefined {
  return (globalThis as Slot)[ZERO_CODE_SLOT];
}

export function setZeroCodeInstrumentation(instrumentation: object): void {
  (globalThis as Slot)[ZERO_CODE_SLOT] = instrumentation;
}

/** The zero-code instrumentation, taken out of its slot for `successor`, which is to stop it; undefined when there is none. */
function takeZeroCodeInstrumentation(successor: object): object | undefined {
  const previous = zeroCodeInstrumentation();
  if (!previous || previous === successor) return undefined;
  delete (globalThis as Slot)[ZERO_CODE_SLOT];
  diag.info(
    'opentelemetry-instrumentation-axios: an AxiosInstrumentation enabled by the application takes over from the one ' +
      'the register entry point started; its options apply, not the OTEL_INSTRUMENTATION_AXIOS_* variables'
  );
  return previous;
}

/** The zero-code instrumentation stops for `successor`, which is given the copies of axios it knew. */
export function takeOverFromZeroCode(successor: object, remember: (axiosModule: AxiosModule) => void): void {
  const previous = takeZeroCodeInstrumentation(successor) as { _handOver?: () => unknown[] } | undefined;
  // An older copy of this package has no _handOver: it keeps tracing, this one finds axios patched.
  if (typeof previous?._handOver !== 'function') return;
  for (const copy of previous._handOver()) {
    const axiosModule = findAxiosModule(copy);
    if (axiosModule) remember(axiosModule);
  }
}
