/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { remembered } from './platform';

/**
 * What "sensitive" means, for header names, query keys and the keys of
 * captured bodies alike: Logfire's default scrubbing patterns, plus `token`
 * (OAuth bodies: `access_token`, `refresh_token`, `id_token`). Each is
 * searched in the key after `normaliseKey`, so `api_key`, `api-key`, `apiKey`,
 * `API KEY` and `api.key` all match `api[._ -]?key`.
 */
export const DEFAULT_SENSITIVE_PATTERNS: readonly RegExp[] = Object.freeze([
  /passw(?:or)?d/,
  /secret/,
  // Logfire's exception: `author` and `authors` are not credentials.
  /auth(?!ors?\b)/,
  /credential/,
  /private[._ -]?key/,
  /api[._ -]?key/,
  /session/,
  /cookie/,
  /[cx]srf/,
  /jwt/,
  // Whole word only: `classname`, `lessness` are not social security numbers.
  /(?:\b|_)ssn(?:\b|_)/,
  /credit[._ -]?card/,
  /social[._ -]?security/,
  /token/,
]);

/**
 * What is sensitive in a header name but not in a body key: a name ending in
 * `key` (`x-functions-key`, `ocp-apim-subscription-key`) carries a key, where
 * a body's `key` is as often a plain identifier.
 */
export const SENSITIVE_HEADER_NAMES_ONLY: readonly RegExp[] = Object.freeze([/(?:^|[-_])key$/]);

/**
 * Keys that `token` would match but that hold no credential: the counts of
 * language-model APIs' usage fields, and OAuth's `token_type` (`Bearer`).
 * Hiding them would make every such body useless. Exempt from the default
 * patterns only.
 */
const NOT_CREDENTIALS = /^(?:(?:max|prompt|completion|total|input|output|cached|reasoning)_tokens?|token_type)$/;

/**
 * The form patterns are matched against: a camelCase boundary becomes `_`
 * (`userSsn` is `user_ssn`, `apiKey` is `api_key`), then lower case.
 */
export function normaliseKey(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** A user's patterns as given: strings are regular expressions (as Logfire's `extra_patterns`), RegExps are kept. */
export type SensitivePatterns = ReadonlyArray<string | RegExp>;

export interface CompiledPatterns {
  patterns: RegExp[];
  /** Strings that are not valid regular expressions: matched as plain text instead. */
  invalid: string[];
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A copy of a user's RegExp without the global and sticky flags, which make
 * `test()` keep state between calls and so skip matches on alternate calls.
 */
export function statelessRegExp(pattern: RegExp, extraFlags = ''): RegExp {
  return new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '').replace(extraFlags, '') + extraFlags);
}

/**
 * Compiles a user's patterns once: case-insensitive, without the global and
 * sticky flags (which keep state between test() calls). A string that is not a
 * valid regular expression is searched as plain text rather than thrown at
 * setConfig().
 */
export function compilePatterns(list: SensitivePatterns | undefined): CompiledPatterns {
  const compiled: CompiledPatterns = { patterns: [], invalid: [] };
  for (const entry of Array.isArray(list) ? list : []) {
    if (entry instanceof RegExp) {
      compiled.patterns.push(statelessRegExp(entry, 'i'));
    } else if (typeof entry === 'string' && entry !== '') {
      try {
        compiled.patterns.push(new RegExp(entry, 'i'));
      } catch {
        compiled.invalid.push(entry);
        compiled.patterns.push(new RegExp(escapeRegExp(entry), 'i'));
      }
    }
  }
  return compiled;
}

/** One expression for all the default patterns: one search instead of one per pattern. */
function anyDefaultPattern(): RegExp {
  return new RegExp(DEFAULT_SENSITIVE_PATTERNS.map((pattern) => pattern.source).join('|'));
}

/** Whether the value under a key is written as it is. Takes the key as it appears (decoded from its encoding). */
export type KeyMatcher = (key: string) => boolean;

/** Bounds the memory of a matcher fed with arbitrary keys. */
const REMEMBERED_KEYS = 1024;
/** Longer keys are judged afresh each time rather than remembered. */
const LONGEST_REMEMBERED_KEY = 64;

/**
 * A matcher for `DEFAULT_SENSITIVE_PATTERNS` (unless `withDefaults` is false)
 * and `extra`. Keys repeat from body to body: on Node, where requests come
 * fast, each verdict is remembered.
 */
export function compileKeyMatcher(extra: readonly RegExp[], withDefaults = true): KeyMatcher {
  const defaults = withDefaults ? anyDefaultPattern() : undefined;
  if (!defaults && extra.length === 0) return () => false;
  return remembered((key) => {
    const normalised = normaliseKey(key);
    if (defaults && defaults.test(normalised) && !NOT_CREDENTIALS.test(normalised)) return true;
    // User patterns see the key as written too: a pattern for `apiKey` must not need the normalised `api_key`.
    return extra.some((pattern) => pattern.test(normalised) || pattern.test(key));
  }, REMEMBERED_KEYS, LONGEST_REMEMBERED_KEY);
}

/**
 * The part of a sensitive key that made it sensitive (`password` in
 * `user_password`), as the record of redactions names it: the match in the
 * normalised key, else the key itself. Asked only for a key already judged
 * sensitive, so it is not remembered.
 */
export function compileSensitiveWordFinder(extra: readonly RegExp[], withDefaults = true): (key: string) => string {
  const defaults = withDefaults ? anyDefaultPattern() : undefined;
  return (key) => {
    const normalised = normaliseKey(key);
    const match = defaults?.exec(normalised) ?? extra.reduce<RegExpExecArray | null>((found, pattern) => found ?? pattern.exec(normalised) ?? pattern.exec(key), null);
    return match && match[0] !== '' ? match[0] : key;
  };
}
