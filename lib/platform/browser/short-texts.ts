/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * A page captures few bodies: the credential search tests every text itself
 * rather than looking at short ones character by character first, as Node's
 * platform does (../node/short-texts.ts), and finds the same.
 */
export function shortTextShapes(_text: string, _start: number, _end: number, _schemeNames: readonly string[]): undefined {
  return undefined;
}
