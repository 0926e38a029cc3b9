/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { statelessRegExp } from '../../sensitive';
import type { PropagateTraceHeaderCorsUrls } from '../../types';

/** What the xhr and fetch adapters resolve a relative URL against: the document's base URL (a worker's location). */
function pageBaseUrl(): string | undefined {
  const scope = globalThis as { document?: { baseURI?: string }; location?: { href?: string } };
  return scope.document?.baseURI ?? scope.location?.href;
}

/**
 * The URL as the browser will request it: a relative one (`axios.get('/api/x')`)
 * resolved against the page, any one normalised as OpenTelemetry's web
 * instrumentations normalise the URL that `propagateTraceHeaderCorsUrls` is
 * compared with. Unchanged if it cannot be resolved. (A page sends few
 * requests: each URL is parsed afresh rather than remembered.)
 */
export function absoluteRequestUrl(href: string | undefined): string | undefined {
  if (href === undefined) return undefined;
  try {
    return new URL(href, pageBaseUrl()).href;
  } catch {
    return href;
  }
}

/** The origin of an absolute URL; undefined if it cannot be parsed. */
function originOf(href: string): string | undefined {
  try {
    return new URL(href).origin;
  } catch {
    return undefined;
  }
}

function pageOrigin(): string | undefined {
  return (globalThis as { location?: { origin?: string } }).location?.origin;
}

/**
 * Which requests may carry the trace headers. A header the application did
 * not set makes a cross-origin request "non-simple", so the browser sends a
 * CORS preflight first, and a server that does not allow `traceparent` fails
 * the request: only same-origin requests and those whose full URL is one of
 * `corsUrls` (a string equal to it, a RegExp matching it), as in
 * OpenTelemetry's fetch and XMLHttpRequest instrumentations, get them. A URL
 * that cannot be parsed gets none.
 */
export function tracePropagationFilter(
  corsUrls: PropagateTraceHeaderCorsUrls | undefined
): (href: string | undefined) => boolean {
  const entries: ReadonlyArray<string | RegExp> =
    corsUrls === undefined ? [] : typeof corsUrls === 'string' || corsUrls instanceof RegExp ? [corsUrls] : corsUrls;
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  for (const entry of entries) {
    if (typeof entry === 'string') exact.add(entry);
    else if (entry instanceof RegExp) patterns.push(statelessRegExp(entry));
  }
  return (href) => {
    if (href === undefined) return false;
    const origin = originOf(href);
    if (origin === undefined) return false;
    if (origin === pageOrigin()) return true;
    return exact.has(href) || patterns.some((pattern) => pattern.test(href));
  };
}

/**
 * Browsers decode every content coding they accept before the xhr or fetch
 * adapter sees the body, and they alone choose the codings (`Accept-Encoding`
 * cannot be set by a page).
 */
export function transportDecodedBody(_request: unknown): boolean {
  return true;
}

/** No OpenTelemetry instrumentation of a browser's XMLHttpRequest or fetch records `http.client.request.duration`. */
export function transportRecordsDuration(_viaHttpAdapter: boolean, _sentRequest: unknown): boolean {
  return false;
}

/** The xhr and fetch adapters' requests do not say which protocol version the browser spoke. */
export function protocolVersionOf(_sentRequest: unknown): undefined {
  return undefined;
}

/** A page's requests have no Node `ClientRequest`. */
export function nodeRequestHeadersSource(_request: object): undefined {
  return undefined;
}
