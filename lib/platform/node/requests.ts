/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { PropagateTraceHeaderCorsUrls } from '../../types';

/** A relative URL has no server to resolve against on Node: it stays as it is. */
export function absoluteRequestUrl(href: string | undefined): string | undefined {
  return href;
}

const propagateAlways = (): boolean => true;

/**
 * Every request carries the trace headers: CORS is a browser's rule, so
 * `propagateTraceHeaderCorsUrls` has no effect here.
 */
export function tracePropagationFilter(
  _corsUrls: PropagateTraceHeaderCorsUrls | undefined
): (href: string | undefined) => boolean {
  return propagateAlways;
}

/**
 * Whether the transport decoded the content coding of the body it handed
 * back: undici (the fetch adapter) does, for the codings it knows, and keeps
 * the header; axios' http adapter deletes the header when it decodes.
 */
export function transportDecodedBody(request: unknown): boolean {
  return typeof Request === 'function' && request instanceof Request;
}

/**
 * The protocol version an answer came in: Node's `IncomingMessage` says; an
 * HTTP/2 exchange (axios' `httpVersion: 2`) hands back its stream, which has
 * no response object but a session and the headers it sent.
 */
export function protocolVersionOf(sentRequest: unknown): string | undefined {
  const request = sentRequest as { res?: { httpVersion?: unknown }; session?: unknown; sentHeaders?: unknown } | undefined;
  if (!request) return undefined;
  const httpVersion = request.res?.httpVersion;
  if (typeof httpVersion === 'string' && httpVersion !== '') return httpVersion;
  return typeof request.session === 'object' && request.session !== null && typeof request.sentHeaders === 'object'
    ? '2'
    : undefined;
}

/**
 * Where the headers that really went out can be read, when the transport is
 * Node's: the `ClientRequest` (http adapter), or the one follow-redirects is
 * sending now.
 */
export function nodeRequestHeadersSource(request: object): object | undefined {
  const candidate = request as {
    getHeaders?: unknown;
    // follow-redirects wraps the ClientRequest it is currently sending
    _currentRequest?: { getHeaders?: unknown };
  };
  if (typeof candidate.getHeaders === 'function') return request;
  const current = candidate._currentRequest;
  return current && typeof current.getHeaders === 'function' ? current : undefined;
}
