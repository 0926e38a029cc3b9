/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { Attributes } from '@opentelemetry/api';

import { formFieldsJson, isFormContentType } from './logfire';
import { copyText, decodeBytes } from './platform';
import type { TextEncodingName } from './platform/text-encoding';
import type { BodyScrubber, ScrubbedNote } from './scrubbing';

/** Where one captured body goes. */
export interface BodyAttributeNames {
  content: string;
  size: string;
  truncated: string;
  /** Where a url-encoded form that fits the limit goes, as a JSON object of its fields, instead of `content` (Logfire's names). */
  form?: string;
}

const TEXTUAL_CONTENT_TYPE =
  /^(?:text\/|[\w.-]+\/[\w.+-]*\+(?:json|xml)\b|application\/(?:json|xml|javascript|ecmascript|graphql|x-www-form-urlencoded|x-ndjson|yaml|x-yaml|csv|sql)\b)/i;

/**
 * Whether a content type names text. A missing content type says nothing;
 * the caller decides by the value's own type.
 */
export function isTextualContentType(contentType: string | undefined): boolean | undefined {
  if (!contentType) return undefined;
  return TEXTUAL_CONTENT_TYPE.test(contentType.trimStart());
}

/** Content codings that undici (the fetch adapter's transport) decodes while it keeps the header. */
const CODINGS_DECODED_BY_FETCH = new Set(['gzip', 'x-gzip', 'deflate', 'br']);

/**
 * Whether a body is still in the content coding its `Content-Encoding` names,
 * so its bytes are not text whatever the content type says: axios' http
 * adapter deletes the header when it decodes (not with `decompress: false`, nor
 * for codings it does not know), undici decodes the common codings and keeps it.
 */
export function isStillEncoded(contentEncoding: string | undefined, decodedByFetch: boolean): boolean {
  if (!contentEncoding) return false;
  const codings = contentEncoding
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  if (codings.length === 0) return false;
  return !(decodedByFetch && codings.every((coding) => CODINGS_DECODED_BY_FETCH.has(coding)));
}

/** Responses that carry no body whatever their headers say (RFC 9110, 6.4.1). */
export function responseHasNoBody(method: string | undefined, status: number): boolean {
  return status < 200 || status === 204 || status === 304 || method?.toUpperCase() === 'HEAD';
}


const BUFFER_CHARSETS: Record<string, TextEncodingName> = {
  'utf-8': 'utf8',
  utf8: 'utf8',
  'us-ascii': 'latin1',
  ascii: 'latin1',
  'iso-8859-1': 'latin1',
  latin1: 'latin1',
  'utf-16le': 'utf16le',
};

function charsetOf(contentType: string | undefined): TextEncodingName {
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
  return copyText(text.slice(0, end));
}

/** The most bytes one UTF-16 unit takes in each encoding a body is decoded from. */
const MAX_BYTES_PER_UNIT: Partial<Record<TextEncodingName, number>> = { utf8: 3, latin1: 1, utf16le: 2 };

/**
 * Where to stop decoding UTF-8 before byte `end` so that no sequence is cut:
 * like Node's StringDecoder, it looks back at most three bytes for the lead
 * byte of the last sequence, so that invalid input costs no more than valid.
 */
function utf8Boundary(buffer: Uint8Array, end: number): number {
  for (let back = 1; back <= 3 && back <= end; back += 1) {
    const byte = buffer[end - back];
    if ((byte & 0xc0) === 0x80) continue;
    const sequenceLength = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return sequenceLength > back ? end - back : end;
  }
  return end;
}

/** Decodes at most `limit` bytes, never stopping inside a character. */
export function decodePrefix(bytes: Uint8Array, limit: number, encoding: TextEncodingName): string {
  if (bytes.length <= limit) return decodeBytes(bytes, encoding);
  let end = limit;
  if (encoding === 'utf8') end = utf8Boundary(bytes, end);
  else if (encoding === 'utf16le') end -= end % 2;
  return decodeBytes(bytes.subarray(0, end), encoding);
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

function recordedText(text: string, contentType: string | undefined, scrub: BodyScrubber | undefined, name: string, found?: ScrubbedNote[]): string {
  return scrub ? scrub(text, contentType, name, found) : text;
}

/**
 * The attributes that describe one body: its text for textual content (cut at
 * `limit` characters, with the truncation marked), its size in bytes where that
 * is known without reading it. Streams, FormData, Blobs and other objects are
 * never read: they yield no attributes. A body that is `stillEncoded` (gzip
 * bytes, say) is never decoded as text. The text is cut first, then `scrub`
 * rewrites it, so scrubbing costs no more than the limit allows; what it
 * redacts is noted in `found`.
 */
export function bodyAttributes(
  data: unknown,
  contentType: string | undefined,
  contentLength: string | undefined,
  limit: number,
  names: BodyAttributeNames,
  stillEncoded = false,
  scrub?: BodyScrubber,
  found?: ScrubbedNote[]
): Attributes | undefined {
  const textual = stillEncoded ? false : isTextualContentType(contentType);
  const declaredSize = parseContentLength(contentLength);

  if (typeof data === 'string') {
    const attributes: Attributes = {};
    if (declaredSize !== undefined) attributes[names.size] = declaredSize;
    // axios decodes every body to a string unless told otherwise, so an
    // explicitly binary content type here means mojibake: keep only the size.
    if (textual === false) return attributes;
    if (names.form !== undefined && data.length <= limit && isFormContentType(contentType)) {
      attributes[names.form] = formFieldsJson(recordedText(data, contentType, scrub, names.form, found));
    } else if (data.length > limit) {
      attributes[names.content] = recordedText(truncateText(data, limit), contentType, scrub, names.content, found);
      attributes[names.truncated] = true;
    } else {
      attributes[names.content] = recordedText(data, contentType, scrub, names.content, found);
    }
    return attributes;
  }

  if (data instanceof URLSearchParams) {
    const formType = contentType ?? 'application/x-www-form-urlencoded';
    return bodyAttributes(data.toString(), formType, contentLength, limit, names, false, scrub, found);
  }

  const bytes = asBytes(data);
  if (!bytes) return undefined;
  const attributes: Attributes = { [names.size]: bytes.byteLength };
  if (textual !== true) return attributes;
  // The limit counts characters, as for strings: decode no more bytes than
  // `limit` characters can take, then cut the text.
  const encoding = charsetOf(contentType);
  const maxBytes = limit * (MAX_BYTES_PER_UNIT[encoding] ?? 3);
  const text = decodePrefix(bytes, maxBytes, encoding);
  if (text.length > limit) {
    attributes[names.content] = recordedText(truncateText(text, limit), contentType, scrub, names.content, found);
    attributes[names.truncated] = true;
  } else {
    attributes[names.content] = recordedText(text, contentType, scrub, names.content, found);
    if (bytes.byteLength > maxBytes) attributes[names.truncated] = true;
  }
  return attributes;
}
