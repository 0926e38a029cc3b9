/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { diag } from '@opentelemetry/api';
import { safeExecuteInTheMiddle } from '@opentelemetry/instrumentation';

import { CredentialFound, CredentialFinder } from './credentials';
import { RawKeyVerdicts } from './platform';
import type { KeyMatcher } from './sensitive';
import type { ScrubCallback } from './types';

/** Written in place of the value of a sensitive key in a captured body. */
export const REDACTED_BODY_VALUE = '[REDACTED]';
/** The same in JSON: a string, so that the recorded document stays JSON. */
const REDACTED_JSON_VALUE = `"${REDACTED_BODY_VALUE}"`;

/** Where a redacted value was, as Logfire writes it: `['attributes', <attribute>, ...keys and indexes]`. */
export type ScrubPath = Array<string | number>;

/** One entry of the record of redactions, in Logfire's shape. */
export interface ScrubbedNote {
  path: ScrubPath;
  /** What made the value sensitive: the sensitive part of its key, an auth scheme (`Bearer`), or `userinfo`. */
  matched_substring: string;
}

/**
 * Turns a captured body's text into the text recorded; `contentType` is the
 * body's, if it has one; each redaction made is noted in `found`, under the
 * attribute `attributeName`.
 */
export type BodyScrubber = (text: string, contentType: string | undefined, attributeName?: string, found?: ScrubbedNote[]) => string;

const JSON_CONTENT_TYPE =
  /^\s*(?:application\/(?:x-)?(?:json|ndjson|jsonl|json-seq)\b|text\/(?:x-)?json\b|[\w.-]+\/[\w.+-]*\+json\b)/i;
/** Url-encoded forms: scrubbed as such, and written as an object under Logfire's names. */
export const FORM_CONTENT_TYPE = /^\s*application\/x-www-form-urlencoded\b/i;
/** Without a content type, text that opens like a JSON document is scrubbed as one. */
const LOOKS_LIKE_JSON = /^[\s\ufeff]*[[{]/;

/** How the replacement a callback returned is written where the value was. */
const enum Encoding {
  /** A whole JSON value. */
  JsonValue,
  /** Part of the inside of a JSON string. */
  JsonStringContent,
  /** A form value. */
  Form,
  /** Text as it is. */
  Text,
}

/**
 * Scrubbing as set up by one `setConfig()`: the key matcher, the credential
 * shapes, the callback. Its methods take the list that notes each redaction
 * of one span.
 */
export class Scrubber {
  private readonly jsonKeys: JsonKeyVerdicts;

  readonly hasCallback: boolean;

  constructor(
    readonly isSensitiveKey: KeyMatcher,
    /** Undefined: keys alone are judged, as before values were. */
    readonly credentials: CredentialFinder | undefined,
    readonly sensitiveWordOf: (key: string) => string,
    private readonly callback?: ScrubCallback,
    private readonly logger: Pick<typeof diag, 'error'> = diag
  ) {
    this.jsonKeys = new JsonKeyVerdicts(isSensitiveKey);
    this.hasCallback = typeof callback === 'function';
  }

  /** A captured body's text as recorded; see `BodyScrubber`. */
  readonly body: BodyScrubber = (text, contentType, attributeName = '', found = []) => {
    if (contentType ? JSON_CONTENT_TYPE.test(contentType) : LOOKS_LIKE_JSON.test(text)) {
      return scrubJson(text, this.jsonKeys, new Redactions(this, attributeName, found));
    }
    if (contentType && FORM_CONTENT_TYPE.test(contentType)) return scrubForm(text, new Redactions(this, attributeName, found));
    // A text body may have been cut at the limit (and is scanned as if it was).
    return this.credentials ? this.text(text, attributeName, undefined, found, true) : text;
  };

  /**
   * A text with the credentials in it hidden: a text body (the attribute
   * `attributeName`), or the value at `index` of a header's attribute.
   */
  text(text: string, attributeName: string, index: number | undefined, found: ScrubbedNote[], mayBeCut = false): string {
    // `find` allocates nothing for the many texts that hold no credential.
    const credentialsFound = this.credentials?.find(text, 0, text.length, mayBeCut);
    if (credentialsFound === undefined || credentialsFound.length === 0) return text;
    const path = index === undefined ? [attributeName] : [attributeName, index];
    let recorded = '';
    let copiedUpTo = 0;
    for (const credential of credentialsFound) {
      recorded += text.slice(copiedUpTo, credential.start) + this.replacement(text, credential, path, found, Encoding.Text);
      copiedUpTo = credential.end;
    }
    return copiedUpTo === 0 ? text : recorded + text.slice(copiedUpTo);
  }

  /** The values of a header whose name is not sensitive: each scanned for credentials. */
  headerValues(attributeName: string, values: string[], found: ScrubbedNote[]): string[] {
    if (!this.credentials) return values;
    let recorded: string[] | undefined;
    for (let index = 0; index < values.length; index += 1) {
      const value = values[index];
      const scrubbed = this.text(value, attributeName, index, found);
      if (scrubbed !== value) {
        recorded ??= values.slice();
        recorded[index] = scrubbed;
      }
    }
    return recorded ?? values;
  }

  /** What is written for a header whose name is sensitive: `[REDACTED]`, unless the callback keeps something. */
  sensitiveHeader(attributeName: string, lowerCaseName: string, values: string[], found: ScrubbedNote[]): string[] {
    const kept = this.decide([attributeName], values, this.sensitiveWordOf(lowerCaseName), found);
    if (kept === undefined) return [REDACTED_BODY_VALUE];
    return Array.isArray(kept) ? kept.map(String) : [String(kept)];
  }

  /** The text written in place of one credential found in `text`. */
  replacement(text: string, credential: CredentialFound, path: ScrubPath, found: ScrubbedNote[], encoding: Encoding): string {
    const value = text.slice(credential.start, credential.end);
    const kept = this.decide(path, value, credential.key === undefined ? credential.word : this.sensitiveWordOf(credential.key), found);
    return written(kept, value, value, encoding, REDACTED_BODY_VALUE);
  }

  /**
   * Whether a value found sensitive is redacted (undefined, and noted in
   * `found`) or replaced by what the callback returned. A callback that throws
   * or returns a promise redacts.
   */
  decide(path: ScrubPath, value: unknown, matchedSubstring: string, found: ScrubbedNote[]): unknown {
    const fullPath = ['attributes', ...path];
    const callback = this.callback;
    if (callback) {
      const kept = safeExecuteInTheMiddle(
        () => callback({ path: fullPath, value, matchedSubstring }),
        (error) => {
          if (error) this.logger.error('scrubbing.callback threw; the value is redacted', error);
        },
        true
      );
      if (isThenable(kept)) {
        this.logger.error('scrubbing.callback returned a promise; the value is redacted');
        kept.then(undefined, () => undefined);
      } else if (kept !== undefined) return kept;
    }
    found.push({ path: fullPath, matched_substring: matchedSubstring });
    return undefined;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * What is written for a value found sensitive (`raw` as it stands in the text,
 * `value` as the callback saw it): `redacted` when `decide` redacted it, `raw`
 * when the callback kept the value, else what it returned, encoded.
 */
function written(kept: unknown, value: unknown, raw: string, encoding: Encoding, redacted: string): string {
  if (kept === undefined) return redacted;
  return kept === value ? raw : encode(kept, encoding) ?? redacted;
}

/** What a callback returned, written as the place it goes needs; undefined when it cannot be. */
function encode(kept: unknown, encoding: Encoding): string | undefined {
  try {
    switch (encoding) {
      case Encoding.JsonValue:
        return JSON.stringify(kept);
      case Encoding.JsonStringContent:
        return JSON.stringify(String(kept)).slice(1, -1);
      case Encoding.Form:
        return encodeURIComponent(String(kept));
      default:
        return String(kept);
    }
  } catch {
    return undefined;
  }
}

/** The redactions of one body: its attribute's name, and where they are noted. */
export class Redactions {
  constructor(
    readonly scrubber: Scrubber,
    readonly attributeName: string,
    readonly found: ScrubbedNote[]
  ) {}

  /** What is written for the JSON value text[start, end) of a sensitive key at `path`. */
  jsonValue(text: string, start: number, end: number, path: ScrubPath): string {
    const raw = text.slice(start, end);
    const key = path[path.length - 1];
    const word = this.scrubber.sensitiveWordOf(typeof key === 'string' ? key : String(key));
    const value = this.scrubber.hasCallback ? parsedOrRaw(raw) : raw;
    return written(this.scrubber.decide(path, value, word, this.found), value, raw, Encoding.JsonValue, REDACTED_JSON_VALUE);
  }

  /** What is written for the value of the form pair text[start, end) (`=` at `equals`); undefined: as it is. */
  formValue(text: string, start: number, equals: number, end: number): string | undefined {
    const key = decodeFormKey(text.slice(start, equals));
    const scrubber = this.scrubber;
    let word: string | undefined;
    if (scrubber.isSensitiveKey(key)) word = scrubber.sensitiveWordOf(key);
    else if (scrubber.credentials && end - equals > 1) {
      const value = decodeFormKey(text.slice(equals + 1, end));
      const [credential] = scrubber.credentials.find(value, 0, value.length, end === text.length);
      if (credential) word = credential.key === undefined ? credential.word : scrubber.sensitiveWordOf(credential.key);
    }
    if (word === undefined) return undefined;
    const raw = text.slice(equals + 1, end);
    const value = decodeFormKey(raw);
    return written(scrubber.decide([this.attributeName, key], value, word, this.found), value, raw, Encoding.Form, REDACTED_BODY_VALUE);
  }
}

/** A JSON value parsed for the callback; the text itself when it cannot be (cut at the limit, say). */
function parsedOrRaw(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** Scrubs by keys alone, as `scrubbing` did before values were read too. */
export function createBodyScrubber(isSensitiveKey: KeyMatcher, credentials?: CredentialFinder, callback?: ScrubCallback): BodyScrubber {
  return new Scrubber(isSensitiveKey, credentials, (key) => key, callback).body;
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
 * The JSON text with the value of every key that `keys` hides replaced by
 * `"[REDACTED]"` (or what the scrubbing callback keeps), at any depth; every
 * other character is kept as it is. One pass, no parse: the text may be cut anywhere (at `maxBodyLength`),
 * and a sensitive value cut short is still replaced whole. From the first
 * character that cannot be JSON (despite the content type), the rest of the
 * text is replaced by `[REDACTED]`: whatever follows can no longer be told
 * apart into keys and values.
 */
export function scrubJson(text: string, keys: JsonKeyVerdicts, redactions: Redactions): string {
  const length = text.length;
  /** The open containers: true for an object, false for an array. */
  const inObject: boolean[] = [];
  // Where the reader is, for the record of redactions: per open container, the
  // current key's literal (objects) or the current index (arrays), decoded only
  // when something is redacted.
  const keyStarts: number[] = [];
  const keyEnds: number[] = [];
  const indexes: number[] = [];
  const credentials = redactions.scrubber.credentials;
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
          const replacement = redactions.jsonValue(text, index, end, jsonPath(text, redactions.attributeName, inObject, keyStarts, keyEnds, indexes));
          recorded += text.slice(copiedUpTo, index) + replacement;
          copiedUpTo = end;
          index = end;
        } else if (code === OPEN_BRACE) {
          inObject.push(true);
          expect = Expect.KeyOrObjectEnd;
          index += 1;
        } else if (code === OPEN_BRACKET) {
          inObject.push(false);
          indexes[inObject.length - 1] = 0;
          expect = Expect.ValueOrArrayEnd;
          index += 1;
        } else if (code === QUOTE) {
          const end = stringEnd(text, index);
          const found = credentials?.find(text, index + 1, end === -1 ? length : end - 1, end === -1);
          if (found !== undefined && found.length > 0) {
            const path = jsonPath(text, redactions.attributeName, inObject, keyStarts, keyEnds, indexes);
            for (const credential of found) {
              const replacement = redactions.scrubber.replacement(text, credential, path, redactions.found, Encoding.JsonStringContent);
              recorded += text.slice(copiedUpTo, credential.start) + replacement;
              copiedUpTo = credential.end;
            }
          }
          index = end === -1 ? length : end;
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
        keyStarts[inObject.length - 1] = index;
        keyEnds[inObject.length - 1] = end;
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
          if (!object) indexes[inObject.length - 1] += 1;
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

/**
 * Where the reader of a JSON body is: per open container, the current key
 * (objects, its literal decoded now) or index (arrays). Built only when
 * something is redacted.
 */
function jsonPath(
  text: string,
  attributeName: string,
  inObject: readonly boolean[],
  keyStarts: readonly number[],
  keyEnds: readonly number[],
  indexes: readonly number[]
): ScrubPath {
  const path: ScrubPath = [attributeName];
  for (let depth = 0; depth < inObject.length; depth += 1) {
    path.push(inObject[depth] ? keyText(text, keyStarts[depth], keyEnds[depth]) ?? text.slice(keyStarts[depth] + 1, keyEnds[depth] - 1) : indexes[depth]);
  }
  return path;
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
 * A value that carries a credential (`note=Bearer%20eyJ…`, read decoded) is
 * replaced whole too, when the scrubber looks for credentials.
 */
export function scrubForm(text: string, redactions: Redactions): string {
  let recorded = '';
  let copiedUpTo = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('&', start);
    if (end === -1) end = text.length;
    const equals = text.indexOf('=', start);
    if (equals !== -1 && equals < end) {
      const replacement = redactions.formValue(text, start, equals, end);
      if (replacement !== undefined) {
        recorded += text.slice(copiedUpTo, equals + 1) + replacement;
        copiedUpTo = end;
      }
    }
    start = end + 1;
  }
  return copiedUpTo === 0 ? text : recorded + text.slice(copiedUpTo);
}
