/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { TextEncodingName } from '../text-encoding';

/** Keeps String.fromCharCode's argument list well below engines' limits. */
const CHUNK = 8192;

function fromCodeUnits(units: ArrayLike<number>): string {
  let text = '';
  for (let start = 0; start < units.length; start += CHUNK) {
    text += String.fromCharCode.apply(null, Array.prototype.slice.call(units, start, start + CHUNK) as number[]);
  }
  return text;
}

// There is no WHATWG decoder for ISO-8859-1 (the label means windows-1252),
// and the UTF-16 one replaces lone surrogates that Node's Buffer keeps: both
// are decoded by hand, one byte or two per code unit.
function decodeUtf16le(bytes: Uint8Array): string {
  // Buffer drops an odd last byte.
  const units = new Uint16Array(bytes.length >> 1);
  for (let i = 0; i < units.length; i += 1) units[i] = bytes[2 * i] | (bytes[2 * i + 1] << 8);
  return fromCodeUnits(units);
}

// `ignoreBOM` keeps a byte order mark, as Node's Buffer does.
let utf8Decoder: InstanceType<typeof TextDecoder> | undefined;

/** The bytes as text in `encoding`, invalid sequences replaced (U+FFFD), as Node's Buffer decodes them. */
export function decodeBytes(bytes: Uint8Array, encoding: TextEncodingName): string {
  if (encoding === 'latin1') return fromCodeUnits(bytes);
  if (encoding === 'utf16le') return decodeUtf16le(bytes);
  utf8Decoder ??= new TextDecoder('utf-8', { ignoreBOM: true });
  return utf8Decoder.decode(bytes);
}

let encoder: InstanceType<typeof TextEncoder> | undefined;

/**
 * A copy of `text` that shares no memory with the string it was sliced from
 * (engines keep a slice pointing into the whole string), lone surrogates replaced.
 */
export function copyText(text: string): string {
  encoder ??= new TextEncoder();
  return decodeBytes(encoder.encode(text), 'utf8');
}
