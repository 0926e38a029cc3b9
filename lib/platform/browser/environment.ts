/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

/** A page has no environment variables: options are passed to the constructor. */
export function environmentVariable(_name: string): string | undefined {
  return undefined;
}

export function environmentFlag(_name: string): boolean | undefined {
  return undefined;
}

export function headersToCaptureFromEnvironment(_direction: 'request' | 'response'): string[] | undefined {
  return undefined;
}

/** A page has no ESM loader hook to miss: axios is always handed over with manuallyInstrument(). */
export function checkEsmSetup(_instrumentation: object, _handedOver: () => boolean | undefined, _warn: (message: string) => void): void {}
