/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { GetUri } from './axios-internals';
import { queryKeysCheck, remembered, rememberedByPair } from './platform';
import { escapeRegExp, KeyMatcher } from './sensitive';

export type { GetUri } from './axios-internals';

/**
 * Query keys whose values are redacted in `url.full` by default, compared
 * without regard to case: the keys the HTTP conventions name, the other AWS
 * credentials, the common names of tokens, API keys and passwords (as the
 * default sensitive headers cover their header forms), and OAuth's `code`: an
 * authorization code is a grant, and a single-page app hands it to its backend
 * in a query (`/callback?code=…&state=…`). `state` is not a credential (it only
 * binds the answer to the browser that asked) and is kept.
 */
export const DEFAULT_REDACTED_QUERY_PARAMS: readonly string[] = Object.freeze([
  'AWSAccessKeyId',
  'Signature',
  'sig',
  'X-Goog-Signature',
  'X-Amz-Signature',
  'X-Amz-Credential',
  'X-Amz-Security-Token',
  'access_token',
  'refresh_token',
  'id_token',
  'token',
  'api_key',
  'apikey',
  'key',
  'client_secret',
  'password',
  'code',
]);

export const REDACTED = 'REDACTED';

export interface QueryRedaction {
  /** Whether the value of a (decoded) key is redacted: one of the keys given, or a match of the patterns. */
  isRedactedKey: (decodedKey: string) => boolean;
  /** Cheap pre-check so that most queries are not split at all; a query it lets through may still be unchanged. */
  mayContainKey: (search: string) => boolean;
}

/**
 * Keys are compared in lower case: `Signature` and `signature` are the same
 * credential. Keys that `isSensitiveKey` (lib/sensitive.ts) matches are redacted too.
 */
export function compileQueryRedaction(keys: readonly string[], isSensitiveKey?: KeyMatcher): QueryRedaction {
  const lowerCaseKeys = new Set(keys.map((key) => key.toLowerCase()));
  if (isSensitiveKey) {
    // A pattern may match a key however it is encoded, so no pattern over the
    // encoded query can tell: each key is judged (on Node, where the keys of a
    // service's queries repeat, by a verdict remembered by its spelling).
    const isRedactedKey = (key: string) => lowerCaseKeys.has(key.toLowerCase()) || isSensitiveKey(key);
    return { isRedactedKey, mayContainKey: queryKeysCheck((encodedKey) => isRedactedKey(decodeQueryKey(encodedKey))) };
  }
  const isRedactedKey = (key: string) => lowerCaseKeys.has(key.toLowerCase());
  if (keys.length === 0) return { isRedactedKey, mayContainKey: () => false };
  // The query is still encoded, so look for each key as a browser or axios may have written it.
  const spellings = keys.flatMap((key) => {
    const encoded = encodeURIComponent(key);
    return [key, encoded, encoded.replace(/%20/g, '+')];
  });
  const anyKey = new RegExp(`[?&](?:${[...new Set(spellings)].map(escapeRegExp).join('|')})=`, 'i');
  return { isRedactedKey, mayContainKey: (search) => anyKey.test(search) };
}

/** A query key as `redactQuery` compares it: `+` is a space, an undecodable key stays as it is. */
function decodeQueryKey(key: string): string {
  const spaced = key.indexOf('+') === -1 ? key : key.replace(/\+/g, ' ');
  if (spaced.indexOf('%') === -1) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return key;
  }
}

interface UrlConfig {
  baseURL?: unknown;
  url?: unknown;
  params?: unknown;
  paramsSerializer?: unknown;
  allowAbsoluteUrls?: unknown;
}

// axios' own isAbsoluteURL and combineURLs (lib/helpers). combineURLs strips
// every trailing slash of baseURL since 1.1x, at most two before; the two agree
// but for a baseURL ending in three or more slashes.
const ABSOLUTE_URL = /^([a-z][a-z\d+\-.]*:)?\/\//i;

/** `baseURL` and `url` joined as axios' combineURLs joins them (without a regular expression when no slash is doubled). */
function joinPaths(baseURL: string, relative: string): string {
  if (!relative) return baseURL;
  let end = baseURL.length;
  while (end > 0 && baseURL.charCodeAt(end - 1) === SLASH) end -= 1;
  let start = 0;
  while (start < relative.length && relative.charCodeAt(start) === SLASH) start += 1;
  return (end === baseURL.length ? baseURL : baseURL.slice(0, end)) + '/' + (start === 0 ? relative : relative.slice(start));
}

const SLASH = 47;

/** The path axios requests when there are no params: `url`, or `url` joined to `baseURL`. */
function fullPath(baseURL: unknown, url: unknown, allowAbsoluteUrls: unknown): string {
  const relative = typeof url === 'string' ? url : '';
  if (typeof baseURL === 'string' && baseURL !== '' && (allowAbsoluteUrls === false || !ABSOLUTE_URL.test(relative))) {
    return joinPaths(baseURL, relative);
  }
  return relative;
}

function hasParams(params: unknown): boolean {
  if (params === undefined || params === null) return false;
  if (params instanceof URLSearchParams) return params.size > 0;
  return typeof params !== 'object' || Object.keys(params).length > 0;
}

/**
 * The URL axios will request, as a string: baseURL joined, params serialised,
 * as the adapter builds it. The path is joined here as axios joins it; with
 * params, axios' own `getUri` serialises them (with the config's
 * paramsSerializer), given only the keys that shape the query: getUri merges
 * whatever it gets with the defaults, and merging a whole config on every
 * request costs more than the rest of the span. (It is handed the joined path,
 * not baseURL: axios 0.21's getUri leaves baseURL out.) Undefined when getUri
 * throws.
 */
export function requestUrlString(
  getUri: GetUri,
  config: UrlConfig,
  defaults: UrlConfig = {},
  urls?: RequestUrls
): string | undefined {
  const baseURL = config.baseURL !== undefined ? config.baseURL : defaults.baseURL;
  const allowAbsoluteUrls = config.allowAbsoluteUrls !== undefined ? config.allowAbsoluteUrls : defaults.allowAbsoluteUrls;
  const path =
    urls && typeof baseURL === 'string' && typeof config.url === 'string' && allowAbsoluteUrls !== false
      ? urls.fullPath(baseURL, config.url)
      : fullPath(baseURL, config.url, allowAbsoluteUrls);
  if (hasParams(config.params) || hasParams(defaults.params)) {
    try {
      const uri: unknown = getUri.call({ defaults: queryParts(defaults) }, { url: path, ...queryParts(config) });
      return typeof uri === 'string' ? uri : undefined;
    } catch {
      return undefined;
    }
  }
  return path;
}

function parseUrl(href: string): URL | undefined {
  try {
    return new URL(href);
  } catch {
    return undefined;
  }
}

function queryParts(config: UrlConfig): UrlConfig {
  return { params: config.params, paramsSerializer: config.paramsSerializer };
}

function redactQuery(search: string, redaction: QueryRedaction): string {
  // Rewritten by hand rather than through URLSearchParams, which would
  // re-encode every other parameter of the query.
  return (
    '?' +
    search
      .slice(1)
      .split('&')
      .map((pair) => {
        const equals = pair.indexOf('=');
        const key = equals === -1 ? pair : pair.slice(0, equals);
        return redaction.isRedactedKey(decodeQueryKey(key)) ? `${key}=${REDACTED}` : pair;
      })
      .join('&')
  );
}

/**
 * Removes credentials from a URL, in place: userinfo becomes
 * `REDACTED:REDACTED`, the values of the given query keys `REDACTED`, and the
 * fragment, which is never sent but may hold tokens (`#access_token=`), goes.
 */
export function redactUrl(url: URL, redaction: QueryRedaction): URL {
  if (url.username || url.password) {
    url.username = REDACTED;
    url.password = REDACTED;
  }
  if (url.search && redaction.mayContainKey(url.search)) {
    const search = redactQuery(url.search, redaction);
    // A query the check let through may have no key to redact: then it stays as it is.
    if (search !== url.search) url.search = search;
  }
  if (url.hash) url.hash = '';
  return url;
}

/**
 * `redactUrl` for a URL in a string that may be relative (a `Location`
 * header, say); a relative one keeps its form, with its query redacted.
 */
export function redactUrlString(value: string, redaction: QueryRedaction): string {
  if (ABSOLUTE_WITH_SCHEME.test(value)) {
    try {
      return redactUrl(new URL(value), redaction).href;
    } catch {
      // not a URL after all: treated as a relative reference below
    }
  }
  const hash = value.indexOf('#');
  const reference = hash === -1 ? value : value.slice(0, hash);
  const question = reference.indexOf('?');
  if (question === -1) return reference;
  const search = reference.slice(question);
  return reference.slice(0, question) + (redaction.mayContainKey(search) ? redactQuery(search, redaction) : search);
}

const ABSOLUTE_WITH_SCHEME = /^[a-z][a-z\d+\-.]*:/i;

/** Replaces the userinfo of every URL in a text (an error message, a stack). */
function redactUserinfo(text: string): string {
  return text.replace(/\b([a-z][a-z\d+\-.]*:\/\/)[^\s/?#@]*@/gi, `$1${REDACTED}:${REDACTED}@`);
}

const URL_IN_TEXT = /\b[a-z][a-z\d+\-.]*:\/\/[^\s"'<>`]+/gi;

/**
 * `redactUrl` for every URL quoted in a text (undici's "cannot be constructed
 * from a URL that includes credentials: <url>"): userinfo, the redacted query
 * keys and the fragment.
 */
export function redactUrlsInText(text: string, redaction: QueryRedaction): string {
  return redactUserinfo(text).replace(URL_IN_TEXT, (url) => redactUrlString(url, redaction));
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443, 'ws:': 80, 'wss:': 443 };

export function serverPort(url: URL): number | undefined {
  return url.port ? Number(url.port) : DEFAULT_PORTS[url.protocol];
}

export function serverAddress(url: URL): string {
  // IPv6 hosts come bracketed from URL; the conventions want the bare address.
  const host = url.hostname;
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** What a span takes from the URL of a request. */
export interface RequestUrl {
  serverAddress: string;
  serverPort: number | undefined;
  /** Without the colon. */
  scheme: string;
  /** The URL with `redactUrl` applied: what `url.full` holds unless a urlFilter changes it. */
  redactedHref: string | undefined;
}

/** Undefined when `href` is not an absolute URL (a relative URL with no baseURL) or cannot be parsed. */
export function describeRequestUrl(href: string, redaction: QueryRedaction): RequestUrl | undefined {
  const url = parseUrl(href);
  if (!url) return undefined;
  const description: RequestUrl = {
    serverAddress: serverAddress(url),
    serverPort: serverPort(url),
    scheme: url.protocol.slice(0, -1),
    redactedHref: undefined,
  };
  try {
    description.redactedHref = redactUrl(url, redaction).href;
  } catch {
    // no url.full rather than an unredacted one
  }
  return description;
}

/** Longer URLs are described afresh every time rather than kept. */
const LONGEST_REMEMBERED_URL = 2048;

/** A request's URL described, and a `baseURL` and `url` joined, for one redaction config (setConfig() makes new ones). */
export interface RequestUrls {
  describe(href: string): RequestUrl | undefined;
  /** `fullPath` for a string `baseURL` and `url`, with absolute URLs allowed (axios' default). */
  fullPath(baseURL: string, url: string): string;
}

/**
 * Parsing and redacting a URL costs about a microsecond, the largest part of a
 * span's own attributes, and a service calls the same few URLs again and
 * again: on Node the descriptions of recent URLs, and the paths joined from a
 * `baseURL` and a `url`, are remembered, at most `capacity` of each.
 */
export function requestUrls(redaction: QueryRedaction, capacity = 512): RequestUrls {
  return {
    describe: remembered((href) => describeRequestUrl(href, redaction), capacity, LONGEST_REMEMBERED_URL),
    fullPath: rememberedByPair((baseURL, url) => fullPath(baseURL, url, true), capacity, LONGEST_REMEMBERED_URL),
  };
}
