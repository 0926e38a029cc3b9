/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { RawKeyVerdicts } from './caches';

/** Whether `verdicts` condemns any key of a query (`?` optional; a pair without `=` is all key). */
function anyKeyOf(search: string, verdicts: RawKeyVerdicts): boolean {
  let start = search.charCodeAt(0) === QUESTION_MARK ? 1 : 0;
  while (start <= search.length) {
    let end = start;
    while (end < search.length) {
      const code = search.charCodeAt(end);
      if (code === EQUALS || code === AMPERSAND) break;
      end += 1;
    }
    if (verdicts.verdict(search, start, end)) return true;
    if (search.charCodeAt(end) === EQUALS) {
      end = search.indexOf('&', end);
      if (end === -1) return false;
    }
    start = end + 1;
  }
  return false;
}

const QUESTION_MARK = 0x3f;
const EQUALS = 0x3d;
const AMPERSAND = 0x26;

/**
 * Whether a query (still encoded) may have a key to redact: the keys of a
 * service's queries repeat, so each key's verdict (`isRedactedEncodedKey`) is
 * remembered by its encoded spelling, and a query whose keys are all known
 * harmless is not split at all. A page's platform splits every query.
 */
export function queryKeysCheck(isRedactedEncodedKey: (encodedKey: string) => boolean): (search: string) => boolean {
  const verdicts = new RawKeyVerdicts(isRedactedEncodedKey);
  return (search) => anyKeyOf(search, verdicts);
}
