/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

const mayHaveRedactedKey = (): boolean => true;

/**
 * A page sends few requests: every query with a sensitive key pattern in play
 * is split and its keys judged, with none of the verdicts Node's platform
 * remembers (../node/query-keys.ts); a query with no key to redact stays as it is.
 */
export function queryKeysCheck(_isRedactedEncodedKey: (encodedKey: string) => boolean): (search: string) => boolean {
  return mayHaveRedactedKey;
}
