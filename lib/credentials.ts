/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { shortTextShapes } from './platform';
import type { KeyMatcher } from './sensitive';

/** The HTTP authentication schemes whose token is looked for (IANA's registry, and GitHub's `token`, Discord's `Bot`). */
const AUTH_SCHEME_NAMES = ['bearer', 'basic', 'digest', 'token', 'bot', 'negotiate', 'ntlm', 'dpop', 'hawk'];
const AUTH_SCHEMES = `(${AUTH_SCHEME_NAMES.join('|')})[ \\t]+`;
/** An auth scheme followed by what may begin a token: the third shape. */
const SCHEME_THEN_TOKEN = `\\b${AUTH_SCHEMES}(?=[\\w.~+/=-])`;

/**
 * Credentials inside free text (a string value of a JSON body, a text body, a
 * header value), found by their SHAPE next to a sensitive word rather than by
 * the word alone: `token` or `session` in prose is not a credential, while
 * `token=…`, `"password": "…"` or `Bearer eyJ…` is. The sensitive words are
 * the ones keys are judged by (`lib/sensitive.ts` and `extraPatterns`).
 *
 * The shapes, in the order they are tried at each position:
 * 1. a URL's userinfo, `scheme://user:password@`: the userinfo is hidden;
 * 2. a key then `=` or `:` (`password=…`, `secret: …`, `"api_key": "…"`,
 *    `?token=…&client_secret=…`, `Authorization: Basic …`), where the key is
 *    sensitive, or is a redacted query key right after `?` or `&`: the value is
 *    hidden. A quoted value is hidden up to its closing quote, an auth scheme's
 *    token after the scheme, else the run of characters up to a delimiter
 *    (space, quote, `&`, `,`, `;`, brackets). For an unquoted key with a space
 *    after the `:` or around the `=` (the way prose and code are written), the
 *    value is hidden only when it looks like a token or ends its line or
 *    field: "Session: Monday and Tuesday" stays, `secret: abc` does not;
 * 3. an HTTP authentication scheme followed by a token-like string
 *    (`Bearer eyJhbGci…`, `Basic dXNlcjpwYXNz`): the string is hidden.
 *
 * A URL scheme and a key are only looked for where a run of their characters
 * begins (the lookbehinds), so that no run is searched again from each of its
 * characters: the search stays linear in the text, whatever it holds.
 */
const SHAPES = new RegExp(
  `(?<![\\w+.-])[a-z][a-z\\d+.-]*:\\/\\/(?=[^\\s/?#@"'\\\\<>]+(?:@|$))|(?<![\\w.-])([A-Za-z][\\w.-]*)(\\\\*["'])?([ \\t]*)([:=])(?![:=/>])([ \\t]*)|${SCHEME_THEN_TOKEN}`,
  'gi'
);

/** What every shape but the third needs. */
const SEPARATOR = /[:=]/g;

/** The third shape alone (its scheme is group 1). */
const SCHEMES = new RegExp(SCHEME_THEN_TOKEN, 'gi');

/** A scheme at the start of a value (`Authorization: Bearer …`): the token after it is the credential. */
const SCHEME_AT = new RegExp(AUTH_SCHEMES, 'iy');

/** No credential shape fits in fewer characters (`jwt:x`, `sig=x`): shorter strings are not searched. */
export const SHORTEST_CREDENTIAL_SHAPE = 5;

/** A token has at least this many characters (`Bearer abc` in prose is not one). */
const SHORTEST_TOKEN = 8;

const NOTHING_FOUND: readonly CredentialFound[] = Object.freeze([]);

/** What was found: [start, end) of the text to hide, and the word that made it sensitive. */
export interface CredentialFound {
  start: number;
  end: number;
  /** The sensitive key as written, the scheme (`Bearer`), or `userinfo`. */
  word: string;
  /** The key, when the shape is a key and its value. */
  key?: string;
}

function isTokenCharacter(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a) ||
    // _ . ~ + / = -
    code === 0x5f || code === 0x2e || code === 0x7e || code === 0x2b || code === 0x2f || code === 0x3d || code === 0x2d
  );
}

function isAlphanumeric(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code >= 0x80;
}

/** Where a run of token characters starting at `start` ends (at most `end`). */
function tokenEnd(text: string, start: number, end: number): number {
  let index = start;
  while (index < end && isTokenCharacter(text.charCodeAt(index))) index += 1;
  return index;
}

/**
 * Whether [start, end) looks like a token rather than a word: long enough, and
 * with a digit, a symbol (`_ . ~ + / =`), or a capital after a small letter
 * (`dXNlcjpwYXNz`). "understanding" and "well-known" are words.
 */
function looksLikeToken(text: string, start: number, end: number): boolean {
  // A full stop ends a sentence: "Bearer understanding." is a word.
  while (end > start && text.charCodeAt(end - 1) === 0x2e) end -= 1;
  if (end - start < SHORTEST_TOKEN) return false;
  let previousLower = false;
  for (let index = start; index < end; index += 1) {
    const code = text.charCodeAt(index);
    const upper = code >= 0x41 && code <= 0x5a;
    const lower = code >= 0x61 && code <= 0x7a;
    // A digit or a symbol other than `-`; or a capital after a small letter.
    if ((!upper && !lower && code !== 0x2d && isTokenCharacter(code)) || (upper && previousLower)) return true;
    previousLower = lower;
  }
  return false;
}

/** Characters that end an unquoted value. */
function isValueDelimiter(code: number): boolean {
  return (
    code <= 0x20 || // space, tab, newlines and controls
    code === 0x22 || code === 0x27 || code === 0x5c || // " ' \ (a backslash may open an escape of the enclosing JSON string)
    code === 0x26 || code === 0x2c || code === 0x3b || // & , ;
    code === 0x3c || code === 0x3e || // < >
    code === 0x7b || code === 0x7d || code === 0x5b || code === 0x5d || code === 0x28 || code === 0x29 // { } [ ] ( )
  );
}

/** Whether the value that ends at `index` ends its line or field (so it is not a word in a sentence). */
function endsField(text: string, index: number, end: number): boolean {
  if (index >= end) return true;
  const code = text.charCodeAt(index);
  if (code === 0x0a || code === 0x0d || code === 0x3b || code === 0x22 || code === 0x27 || code === 0x7d || code === 0x5d || code === 0x26) return true;
  // An escaped newline, inside a JSON string.
  if (code === 0x5c) return text.charCodeAt(index + 1) === 0x6e || text.charCodeAt(index + 1) === 0x72;
  // `a, b` ends a field; `50,000` does not.
  if (code === 0x2c) return index + 1 >= end || text.charCodeAt(index + 1) === 0x20;
  return false;
}

/** Counts the backslashes from `start`. */
function backslashesAt(text: string, start: number, end: number): number {
  let index = start;
  while (index < end && text.charCodeAt(index) === 0x5c) index += 1;
  return index - start;
}

/**
 * The credential-shape finder, made once per `setConfig()`. `isSensitiveKey`
 * is the one definition of a sensitive key; `isRedactedQueryKey` adds the
 * query keys that `url.full` redacts (`sig`, `X-Amz-Signature`) where a key
 * follows `?` or `&`.
 */
export class CredentialFinder {
  private readonly shapes = new RegExp(SHAPES.source, SHAPES.flags);
  /** The third shape alone, for a text without `:` or `=`, which can hold no other. */
  private readonly schemes = new RegExp(SCHEMES.source, SCHEMES.flags);
  private readonly schemeAt = new RegExp(SCHEME_AT.source, SCHEME_AT.flags);
  constructor(
    private readonly isSensitiveKey: KeyMatcher,
    private readonly isRedactedQueryKey: (key: string) => boolean
  ) {}

  /**
   * The credentials in text[start, end), left to right, in ranges that never
   * overlap (a new list when there are any; no allocation when there are none).
   * `text` may be the raw inside of a JSON string: escaped quotes
   * (`\"password\":\"…\"`) are read as quotes, and no range ends inside an
   * escape, so the string stays valid JSON when a range is replaced.
   */
  find(text: string, start: number, end: number, endIsCut = false): readonly CredentialFound[] {
    const shapes = this.shapesFor(text, start, end);
    if (shapes === undefined) return NOTHING_FOUND;
    // A string inside a JSON body is searched on its own: a search of the
    // whole body would run on past the string, into keys shaped like `key":`.
    const searched = start === 0 && end === text.length ? text : text.slice(start, end);
    const length = searched.length;
    let found: CredentialFound[] | undefined;
    shapes.lastIndex = 0;
    let match = shapes.exec(searched);
    while (match !== null) {
      const matchEnd = match.index + match[0].length;
      let credential: CredentialFound | undefined;
      if (shapes === this.schemes) credential = this.schemeToken(searched, matchEnd, length, match[1], endIsCut);
      else if (match[1] !== undefined) credential = this.keyValue(searched, match, matchEnd, length);
      else if (match[6] !== undefined) credential = this.schemeToken(searched, matchEnd, length, match[6], endIsCut);
      else credential = this.userinfo(searched, matchEnd, length, endIsCut);
      let next = matchEnd;
      if (credential) {
        next = Math.max(credential.end, matchEnd);
        credential.start += start;
        credential.end += start;
        (found ??= []).push(credential);
      }
      shapes.lastIndex = next;
      match = shapes.exec(searched);
    }
    return found ?? NOTHING_FOUND;
  }

  /**
   * The expression that can find something in text[start, end); undefined
   * when nothing can be there. Every shape but an auth scheme's needs a `:` or
   * `=`. On Node a short text (most string values) is first looked at
   * character by character, which spares most of them any search (see
   * `shortTextShapes`); otherwise the text is tested for a `:` or `=` by an
   * expression, which reads long texts faster.
   */
  private shapesFor(text: string, start: number, end: number): RegExp | undefined {
    if (end - start < SHORTEST_CREDENTIAL_SHAPE) return undefined;
    const looked = shortTextShapes(text, start, end, AUTH_SCHEME_NAMES);
    if (looked !== undefined) return looked === 'separator' ? this.shapes : looked === 'scheme' ? this.schemes : undefined;
    SEPARATOR.lastIndex = start;
    const separator = SEPARATOR.exec(text);
    return separator !== null && separator.index < end ? this.shapes : this.schemes;
  }

  /** The userinfo after `scheme://`; in a text cut short, what is left of an authority that may have been one. */
  private userinfo(text: string, from: number, end: number, endIsCut: boolean): CredentialFound | undefined {
    const at = text.indexOf('@', from);
    if (at !== -1 && at < end) return { start: from, end: at, word: 'userinfo' };
    return endIsCut && text.length === end ? { start: from, end, word: 'userinfo' } : undefined;
  }

  /**
   * The token after an auth scheme. Unless `anyToken` (the scheme is the value
   * of a sensitive key), it must look like a token, or be cut by the end of a
   * text cut short: the start of a token cut at the limit is too short to judge.
   */
  private schemeToken(text: string, tokenStart: number, end: number, scheme: string, endIsCut: boolean, anyToken = false): CredentialFound | undefined {
    const tokenStop = tokenEnd(text, tokenStart, end);
    if (tokenStop === tokenStart) return undefined;
    const cutShort = endIsCut && tokenStop === end && tokenStop - tokenStart < SHORTEST_TOKEN;
    if (!anyToken && !cutShort && !looksLikeToken(text, tokenStart, tokenStop)) return undefined;
    return { start: tokenStart, end: tokenStop, word: scheme };
  }

  private keyValue(text: string, match: RegExpExecArray, valueStart: number, end: number): CredentialFound | undefined {
    let key = match[1];
    let keyStart = match.index;
    // `\npassword` inside a JSON string: the `n` belongs to the escape.
    if (backslashesAt(text, keyStart - 1, keyStart) === 1 && text.charCodeAt(keyStart - 2) !== 0x5c) {
      key = key.slice(1);
      keyStart += 1;
      if (key === '' || !/^[A-Za-z]/.test(key)) return undefined;
    }
    const before = text.charCodeAt(keyStart - 1);
    const separator = match[4];
    const queryKey = separator === '=' && (before === 0x3f || before === 0x26);
    if (!this.isSensitiveKey(key) && !(queryKey && this.isRedactedQueryKey(key))) return undefined;
    const keyQuoted = match[2] !== undefined;
    const spaced = match[5] !== '' && (separator === ':' || match[3] !== '');
    return this.valueAt(text, valueStart, end, key, spaced && !keyQuoted);
  }

  /** The value of a sensitive key, starting at `start`; `prose` asks for a token-like value or the end of a field. */
  private valueAt(text: string, start: number, end: number, key: string, prose: boolean): CredentialFound | undefined {
    if (start >= end) return undefined;
    const slashes = backslashesAt(text, start, end);
    const quote = text.charCodeAt(start + slashes);
    if (quote === 0x22 || quote === 0x27) {
      const contentStart = start + slashes + 1;
      const closing = text.indexOf(text.slice(start, contentStart), contentStart);
      const contentEnd = closing === -1 || closing > end ? end : closing;
      return contentEnd > contentStart ? { start: contentStart, end: contentEnd, word: key, key } : undefined;
    }
    if (slashes > 0) return undefined;
    this.schemeAt.lastIndex = start;
    const scheme = this.schemeAt.exec(text);
    if (scheme !== null && this.schemeAt.lastIndex < end) {
      const token = this.schemeToken(text, this.schemeAt.lastIndex, end, key, false, true);
      if (token) return { ...token, key };
    }
    let stop = start;
    let alphanumeric = false;
    while (stop < end) {
      const code = text.charCodeAt(stop);
      if (isValueDelimiter(code)) break;
      alphanumeric ||= isAlphanumeric(code);
      stop += 1;
    }
    // Punctuation alone (`**Authentication:**` in Markdown) is no credential.
    if (!alphanumeric) return undefined;
    if (prose && !looksLikeToken(text, start, stop) && !endsField(text, stop, end)) return undefined;
    return { start, end: stop, word: key, key };
  }
}
