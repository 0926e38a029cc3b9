/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

/** Query keys whose values the HTTP conventions say to redact in `url.full`. */
export const DEFAULT_REDACTED_QUERY_PARAMS: readonly string[] = Object.freeze([
  'AWSAccessKeyId',
  'Signature',
  'sig',
  'X-Goog-Signature',
  'X-Amz-Signature',
  'X-Amz-Credential',
  'X-Amz-Security-Token',
]);

export const REDACTED = 'REDACTED';

export interface QueryRedaction {
  keys: ReadonlySet<string>;
  /** Cheap pre-check so that most queries are not split at all. */
  mayContainKey: (search: string) => boolean;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function compileQueryRedaction(keys: readonly string[]): QueryRedaction {
  if (keys.length === 0) return { keys: new Set(), mayContainKey: () => false };
  // The query is still encoded, so look for each key as a browser or axios may have written it.
  const spellings = keys.flatMap((key) => {
    const encoded = encodeURIComponent(key);
    return [key, encoded, encoded.replace(/%20/g, '+')];
  });
  const anyKey = new RegExp(`[?&](?:${[...new Set(spellings)].map(escapeRegExp).join('|')})=`);
  return { keys: new Set(keys), mayContainKey: (search) => anyKey.test(search) };
}

/** axios' own `Axios.prototype.getUri`. */
export type GetUri = (this: { defaults: object }, config: object) => string;

interface UrlConfig {
  baseURL?: unknown;
  url?: unknown;
  params?: unknown;
  paramsSerializer?: unknown;
  allowAbsoluteUrls?: unknown;
}

function urlParts(config: UrlConfig): UrlConfig {
  return {
    baseURL: config.baseURL,
    url: config.url,
    params: config.params,
    paramsSerializer: config.paramsSerializer,
    allowAbsoluteUrls: config.allowAbsoluteUrls,
  };
}

/**
 * The URL axios will request: baseURL joined, params serialised, by axios'
 * own `getUri` so that it matches what the adapter builds. Only the keys that
 * shape the URL are handed to it: getUri merges whatever it gets, and merging
 * a whole config on every request costs more than the rest of the span.
 * Undefined when it is not an absolute URL (a relative URL with no baseURL)
 * or cannot be parsed.
 */
export function resolveRequestUrl(getUri: GetUri, config: UrlConfig, defaults: UrlConfig = {}): URL | undefined {
  try {
    return new URL(getUri.call({ defaults: urlParts(defaults) }, urlParts(config)));
  } catch {
    return undefined;
  }
}

function redactQuery(search: string, keys: ReadonlySet<string>): string {
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
        let decodedKey = key;
        try {
          decodedKey = decodeURIComponent(key.replace(/\+/g, ' '));
        } catch {
          // an undecodable key is compared as it is
        }
        return keys.has(decodedKey) ? `${key}=${REDACTED}` : pair;
      })
      .join('&')
  );
}

/**
 * Removes credentials from a URL, in place: userinfo becomes
 * `REDACTED:REDACTED` and the values of the given query keys `REDACTED`.
 */
export function redactUrl(url: URL, redaction: QueryRedaction): URL {
  if (url.username || url.password) {
    url.username = REDACTED;
    url.password = REDACTED;
  }
  if (url.search && redaction.mayContainKey(url.search)) {
    url.search = redactQuery(url.search, redaction.keys);
  }
  return url;
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
