/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

/** Whether a header name as stored is `lowerCaseName` in any case (Node's platform spares the copy, ../node/header-names.ts). */
export function isSameHeaderName(stored: string, lowerCaseName: string): boolean {
  // A name whose lower case has another length is not taken for it, as on Node.
  return stored.length === lowerCaseName.length && stored.toLowerCase() === lowerCaseName;
}
