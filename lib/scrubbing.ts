/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { KeyMatcher, RawKeyVerdicts } from './sensitive';

/** Written in place of the value of a sensitive key in a captured body. */
export const REDACTED_BODY_VALUE = '[REDACTED]';
/** The same in JSON: a string, so that the recorded document stays JSON. */
const REDACTED_JSON_VALUE = `"${REDACTED_BODY_VALUE}"`;

/** Turns a captured body's text into the text recorded; `contentType` is the body's, if it has one. */
export type BodyScrubber = (text: string, contentType: string | undefined) => string;

const JSON_CONTENT_TYPE =
  /^\s*(?:application\/(?:x-)?(?:json|ndjson|jsonl|json-seq)\b|text\/(?:x-)?json\b|[\w.-]+\/[\w.+-]*\+json\b)/i;
/** Url-encoded forms: scrubbed as such, and written as an object under Logfire's names. */
export const FORM_CONTENT_TYPE = /^\s*application\/x-www-form-urlencoded\b/i;
/** Without a content type, text that opens like a JSON document is scrubbed as one. */
const LOOKS_LIKE_JSON = /^[\s\ufeff]*[[{]/;

export function createBodyScrubber(isSensitiveKey: KeyMatcher): BodyScrubber {
  const jsonKeys = new JsonKeyVerdicts(isSensitiveKey);
  return (text, contentType) => {
    if (contentType ? JSON_CONTENT_TYPE.test(contentType) : LOOKS_LIKE_JSON.test(text)) {
      return scrubJson(text, jsonKeys);
    }
    if (contentType && FORM_CONTENT_TYPE.test(contentType)) return scrubForm(text, isSensitiveKey);
    return text;
  };
}

// ------------------------------------------------------------------- JSON

const QUOTE = 0x22; // "
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** JSON's whitespace, plus the record separator of `application/json-seq` and a byte-order mark. */
function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09 || code === 0x1e || code === 0xfeff;
}

function isNumberPart(code: number): boolean {
  // 0-9 + - . e E
  return (code >= 0x30 && code <= 0x39) || code === 0x2b || code === 0x2d || code === 0x2e || code === 0x65 || code === 0x45;
}

/** Where a string opened at `start` ends (one past its closing quote); -1 when the text is cut inside it. */
function stringEnd(text: string, start: number): number {
  let quote = text.indexOf('"', start + 1);
  while (quote !== -1) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) return quote + 1;
    quote = text.indexOf('"', quote + 1);
  }
  return -1;
}

/** stringEnd, with a string cut by the end of the text ending there. */
function stringOrTextEnd(text: string, start: number): number {
  const end = stringEnd(text, start);
  return end === -1 ? text.length : end;
}

/**
 * Where the value that starts at `start` ends, read loosely: a string, a
 * bracketed value (brackets counted, strings skipped), or else a run of
 * anything up to a delimiter, so that a bare `hunter2` is hidden too. The
 * length of the text when it is cut inside the value.
 */
function valueEnd(text: string, start: number): number {
  const first = text.charCodeAt(start);
  if (first === QUOTE) return stringOrTextEnd(text, start);
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0;
    let index = start;
    while (index < text.length) {
      const code = text.charCodeAt(index);
      if (code === QUOTE) {
        index = stringOrTextEnd(text, index);
        continue;
      }
      if (code === OPEN_BRACE || code === OPEN_BRACKET) depth += 1;
      else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
        depth -= 1;
        if (depth === 0) return index + 1;
      }
      index += 1;
    }
    return text.length;
  }
  let index = start;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code === COMMA || code === CLOSE_BRACE || code === CLOSE_BRACKET || isWhitespace(code)) break;
    index += 1;
  }
  return index;
}

/** The decoded text of a key whose literal spans [start, end) with its quotes; undefined when it cannot be decoded. */
function keyText(text: string, start: number, end: number): string | undefined {
  const inner = text.slice(start + 1, end - 1);
  if (inner.indexOf('\\') === -1) return inner;
  try {
    // A key, not the document: a few characters at most in practice.
    const decoded: unknown = JSON.parse(text.slice(start, end));
    return typeof decoded === 'string' ? decoded : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The verdicts on the keys of JSON bodies, remembered by the keys as written
 * (one per scrubber, so per setConfig()).
 */
export class JsonKeyVerdicts {
  private readonly verdicts: RawKeyVerdicts;

  constructor(isSensitiveKey: KeyMatcher) {
    this.verdicts = new RawKeyVerdicts((rawKey) => {
      const key = keyText(`"${rawKey}"`, 0, rawKey.length + 2);
      // A key that cannot be decoded cannot be judged: its value is hidden.
      return key === undefined || isSensitiveKey(key);
    });
  }

  /** Whether the value of the key whose literal spans [start, end) with its quotes is hidden. */
  hidesValueOf(text: string, start: number, end: number): boolean {
    return this.verdicts.verdict(text, start + 1, end - 1);
  }
}

const literals = ['true', 'false', 'null'];

/** Where a literal or number starting at `start` ends; -1 when there is none there. */
function scalarEnd(text: string, start: number): number {
  const first = text.charCodeAt(start);
  if (isNumberPart(first)) {
    let index = start + 1;
    while (index < text.length && isNumberPart(text.charCodeAt(index))) index += 1;
    return index;
  }
  for (const literal of literals) {
    if (first !== literal.charCodeAt(0)) continue;
    const available = Math.min(literal.length, text.length - start);
    // A literal cut by the end of the text is still that literal.
    return text.startsWith(literal.slice(0, available), start) ? start + available : -1;
  }
  return -1;
}

const enum Expect {
  /** A value: at the top level (JSON, or one NDJSON line after another), after a colon or a comma in an array. */
  Value,
  /** Right after `[`. */
  ValueOrArrayEnd,
  /** After a comma in an object. */
  Key,
  /** Right after `{`. */
  KeyOrObjectEnd,
  Colon,
  /** After a value. */
  CommaOrEnd,
}

/**
 * The JSON text with the value of every key that `isSensitiveKey` matches
 * replaced by `"[REDACTED]"`, at any depth; every other character is kept as
 * it is. One pass, no parse: the text may be cut anywhere (at `maxBodyLength`),
 * and a sensitive value cut short is still replaced whole. From the first
 * character that cannot be JSON (despite the content type), the rest of the
 * text is replaced by `[REDACTED]`: whatever follows can no longer be told
 * apart into keys and values.
 */
export function scrubJson(text: string, isSensitiveKey: KeyMatcher | JsonKeyVerdicts): string {
  const keys = isSensitiveKey instanceof JsonKeyVerdicts ? isSensitiveKey : new JsonKeyVerdicts(isSensitiveKey);
  const length = text.length;
  /** The open containers: true for an object, false for an array. */
  const inObject: boolean[] = [];
  let expect = Expect.Value;
  /** The value about to be read is that of a sensitive key. */
  let sensitive = false;
  let recorded = '';
  /** Text before this index is in `recorded` already (rewritten where needed). */
  let copiedUpTo = 0;
  let index = 0;

  while (index < length) {
    const code = text.charCodeAt(index);
    if (isWhitespace(code)) {
      index += 1;
      continue;
    }
    switch (expect) {
      case Expect.ValueOrArrayEnd:
        if (code === CLOSE_BRACKET) {
          inObject.pop();
          index += 1;
          expect = Expect.CommaOrEnd;
          break;
        }
      // falls through: a value
      case Expect.Value: {
        expect = Expect.CommaOrEnd;
        if (sensitive) {
          sensitive = false;
          const end = valueEnd(text, index);
          recorded += text.slice(copiedUpTo, index) + REDACTED_JSON_VALUE;
          copiedUpTo = end;
          index = end;
        } else if (code === OPEN_BRACE) {
          inObject.push(true);
          expect = Expect.KeyOrObjectEnd;
          index += 1;
        } else if (code === OPEN_BRACKET) {
          inObject.push(false);
          expect = Expect.ValueOrArrayEnd;
          index += 1;
        } else if (code === QUOTE) {
          index = stringOrTextEnd(text, index);
        } else {
          const end = scalarEnd(text, index);
          if (end === -1) return unreadableFrom(text, index, recorded, copiedUpTo);
          index = end;
        }
        break;
      }
      case Expect.KeyOrObjectEnd:
        if (code === CLOSE_BRACE) {
          inObject.pop();
          index += 1;
          expect = Expect.CommaOrEnd;
          break;
        }
      // falls through: a key
      case Expect.Key: {
        if (code !== QUOTE) return unreadableFrom(text, index, recorded, copiedUpTo);
        const end = stringEnd(text, index);
        // A key cut by the end of the text has no value to hide.
        if (end === -1) return recorded + text.slice(copiedUpTo);
        sensitive = keys.hidesValueOf(text, index, end);
        index = end;
        expect = Expect.Colon;
        break;
      }
      case Expect.Colon:
        if (code !== COLON) return unreadableFrom(text, index, recorded, copiedUpTo);
        index += 1;
        expect = Expect.Value;
        break;
      case Expect.CommaOrEnd: {
        if (inObject.length === 0) {
          // Another top-level value: the next line of NDJSON.
          expect = Expect.Value;
          break;
        }
        const object = inObject[inObject.length - 1];
        if (code === COMMA) {
          expect = object ? Expect.Key : Expect.Value;
          index += 1;
        } else if (code === (object ? CLOSE_BRACE : CLOSE_BRACKET)) {
          inObject.pop();
          index += 1;
        } else {
          return unreadableFrom(text, index, recorded, copiedUpTo);
        }
        break;
      }
    }
  }
  return copiedUpTo === 0 ? text : recorded + text.slice(copiedUpTo);
}

/** What is recorded of a body that stops being JSON at `position`. */
function unreadableFrom(text: string, position: number, recorded: string, copiedUpTo: number): string {
  return recorded + text.slice(copiedUpTo, position) + REDACTED_BODY_VALUE;
}

// ------------------------------------------------------------------- forms

/** Decodes what can be decoded of a form key; an invalid escape stays as it is. */
function decodeFormKey(key: string): string {
  const spaced = key.indexOf('+') === -1 ? key : key.replace(/\+/g, ' ');
  if (spaced.indexOf('%') === -1) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced.replace(/(?:%[0-9a-f]{2})+/gi, (escapes) => {
      try {
        return decodeURIComponent(escapes);
      } catch {
        return escapes;
      }
    });
  }
}

/**
 * A form body (`a=1&password=…`) with the value of every sensitive key (compared
 * decoded) replaced by `[REDACTED]`; every other byte, encoding included, kept.
 * A pair cut by the end of the text is judged by the part of its key that is there.
 */
export function scrubForm(text: string, isSensitiveKey: KeyMatcher): string {
  let recorded = '';
  let copiedUpTo = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('&', start);
    if (end === -1) end = text.length;
    const equals = text.indexOf('=', start);
    if (equals !== -1 && equals < end && isSensitiveKey(decodeFormKey(text.slice(start, equals)))) {
      recorded += text.slice(copiedUpTo, equals + 1) + REDACTED_BODY_VALUE;
      copiedUpTo = end;
    }
    start = end + 1;
  }
  return copiedUpTo === 0 ? text : recorded + text.slice(copiedUpTo);
}
