/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * `stored.toLowerCase() === lowerCaseName`, without making the lower-case copy
 * for ASCII names: every header read on every request (content type, length,
 * user agent) is looked for this way. A page's platform compares the copy.
 */
export function isSameHeaderName(stored: string, lowerCaseName: string): boolean {
  if (stored.length !== lowerCaseName.length) return false;
  if (stored === lowerCaseName) return true;
  for (let index = 0; index < stored.length; index += 1) {
    let code = stored.charCodeAt(index);
    if (code >= 0x80) return stored.toLowerCase() === lowerCaseName;
    if (code >= 0x41 && code <= 0x5a) code += 0x20;
    if (code !== lowerCaseName.charCodeAt(index)) return false;
  }
  return true;
}
