/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { Attributes } from '@opentelemetry/api';

/** Where one captured body goes. */
export interface BodyAttributeNames {
  content: string;
  size: string;
  truncated: string;
}

const TEXTUAL_CONTENT_TYPE =
  /^(?:text\/|application\/(?:[\w.+-]*\+)?(?:json|xml|javascript|ecmascript|graphql|x-www-form-urlencoded|x-ndjson|yaml|x-yaml|csv|sql)\b)/i;

/**
 * Whether a content type names text. A missing content type says nothing;
 * the caller decides by the value's own type.
 */
export function isTextualContentType(contentType: string | undefined): boolean | undefined {
  if (!contentType) return undefined;
  return TEXTUAL_CONTENT_TYPE.test(contentType.trimStart());
}

const BUFFER_CHARSETS: Record<string, BufferEncoding> = {
  'utf-8': 'utf8',
  utf8: 'utf8',
  'us-ascii': 'latin1',
  ascii: 'latin1',
  'iso-8859-1': 'latin1',
  latin1: 'latin1',
  'utf-16le': 'utf16le',
};

function charsetOf(contentType: string | undefined): BufferEncoding {
  const match = contentType && /;\s*charset="?([\w.:-]+)/i.exec(contentType);
  return (match && BUFFER_CHARSETS[match[1].toLowerCase()]) || 'utf8';
}

/** Cuts a string to `limit` UTF-16 units without splitting a surrogate pair. */
export function truncateText(text: string, limit: number): string {
  let end = limit;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  // V8 keeps a slice pointing into the whole string; copy it so that a
  // queued span does not hold a large body alive.
  return Buffer.from(text.slice(0, end), 'utf8').toString('utf8');
}

/** Decodes at most `limit` bytes, never stopping inside a UTF-8 sequence. */
export function decodePrefix(bytes: Uint8Array, limit: number, encoding: BufferEncoding): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length <= limit) return buffer.toString(encoding);
  let end = limit;
  if (encoding === 'utf8') {
    // buffer[end] is the first byte left out; if it continues a sequence,
    // back up to the start of that sequence.
    while (end > 0 && (buffer[end] & 0xc0) === 0x80) end -= 1;
  } else if (encoding === 'utf16le') {
    end -= end % 2;
  }
  return buffer.toString(encoding, 0, end);
}

/** A Content-Length header's value as a number, if it is one. */
export function parseContentLength(value: string | undefined): number | undefined {
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

/** The size of binary data, known without reading it; undefined for anything else. */
export function byteLength(data: unknown): number | undefined {
  return asBytes(data)?.byteLength;
}

function asBytes(data: unknown): Uint8Array | undefined {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}

/**
 * The attributes that describe one body: its text for textual content (cut at
 * `limit` characters, with the truncation marked), its size in bytes where that
 * is known without reading it. Streams, FormData, Blobs and other objects are
 * never read: they yield no attributes.
 */
export function bodyAttributes(
  data: unknown,
  contentType: string | undefined,
  contentLength: string | undefined,
  limit: number,
  names: BodyAttributeNames
): Attributes | undefined {
  const textual = isTextualContentType(contentType);
  const declaredSize = parseContentLength(contentLength);

  if (typeof data === 'string') {
    const attributes: Attributes = {};
    if (declaredSize !== undefined) attributes[names.size] = declaredSize;
    // axios decodes every body to a string unless told otherwise, so an
    // explicitly binary content type here means mojibake: keep only the size.
    if (textual === false) return attributes;
    if (data.length > limit) {
      attributes[names.content] = truncateText(data, limit);
      attributes[names.truncated] = true;
    } else {
      attributes[names.content] = data;
    }
    return attributes;
  }

  if (data instanceof URLSearchParams) {
    return bodyAttributes(data.toString(), contentType, contentLength, limit, names);
  }

  const bytes = asBytes(data);
  if (!bytes) return undefined;
  const attributes: Attributes = { [names.size]: bytes.byteLength };
  if (textual !== true) return attributes;
  const encoding = charsetOf(contentType);
  attributes[names.content] = decodePrefix(bytes, limit, encoding);
  if (bytes.byteLength > limit) attributes[names.truncated] = true;
  return attributes;
}
