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
