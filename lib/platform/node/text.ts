/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { TextEncodingName } from '../text-encoding';

/** The bytes as text in `encoding`, invalid sequences replaced (U+FFFD). */
export function decodeBytes(bytes: Uint8Array, encoding: TextEncodingName): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString(encoding);
}

/**
 * A copy of `text` that shares no memory with the string it was sliced from
 * (V8 keeps a slice pointing into the whole string), lone surrogates replaced.
 */
export function copyText(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}
