/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

/** The encodings a body is decoded from, by Node's names for them (both platforms' decoders take these). */
export type TextEncodingName = 'utf8' | 'latin1' | 'utf16le';
