/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { Attributes, Span, SpanStatusCode } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_SCHEME,
  ERROR_TYPE_VALUE_OTHER,
  HTTP_REQUEST_METHOD_VALUE_OTHER,
} from '@opentelemetry/semantic-conventions';
import { protocolVersionOf } from './platform';
import { QueryRedaction, redactUrlsInText, RequestUrl } from './url';

/** `error.type` of a request that the application cancelled. */
export const ERROR_TYPE_CANCELED = 'ERR_CANCELED';

export interface NormalisedMethod {
  /** The method as the conventions name it: upper case, or `_OTHER`. */
  readonly method: string;
  /** The method as sent, when it is not one the conventions know. */
  readonly original?: string;
}

// axios lower-cases the method it sends; the known ones are described once,
// under both spellings, rather than upper-cased and described on every request.
const KNOWN_METHODS = new Map<string, NormalisedMethod>();
for (const method of ['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE']) {
  const normalised = Object.freeze({ method });
  KNOWN_METHODS.set(method, normalised);
  KNOWN_METHODS.set(method.toLowerCase(), normalised);
}

export function normaliseMethod(method: unknown): NormalisedMethod {
  // Anything but a non-empty string is what axios will try to send: GET.
  if (typeof method !== 'string' || method === '') return KNOWN_METHODS.get('GET') as NormalisedMethod;
  const known = KNOWN_METHODS.get(method);
  if (known) return known;
  const sent = method.toUpperCase();
  return KNOWN_METHODS.get(sent) ?? { method: HTTP_REQUEST_METHOD_VALUE_OTHER, original: sent };
}

export function spanName(method: NormalisedMethod): string {
  return method.original === undefined ? method.method : 'HTTP';
}

/** The attributes known before the request leaves; samplers see them. */
export function requestAttributes(method: NormalisedMethod, url: RequestUrl | undefined): Attributes {
  const attributes: Attributes = { [ATTR_HTTP_REQUEST_METHOD]: method.method };
  if (method.original !== undefined) attributes[ATTR_HTTP_REQUEST_METHOD_ORIGINAL] = method.original;
  if (url) {
    attributes[ATTR_SERVER_ADDRESS] = url.serverAddress;
    if (url.serverPort !== undefined) attributes[ATTR_SERVER_PORT] = url.serverPort;
    attributes[ATTR_URL_SCHEME] = url.scheme;
  }
  return attributes;
}

export interface ResponseLike {
  status?: unknown;
  /** What the transport sent: where the protocol version is read from. */
  request?: unknown;
}

/** Status code and protocol version of a response; the span's status for >= 400. Returns the attributes set. */
export function applyResponse(span: Span, response: ResponseLike): Attributes {
  const attributes: Attributes = {};
  const status = response.status;
  if (typeof status === 'number') {
    attributes[ATTR_HTTP_RESPONSE_STATUS_CODE] = status;
    if (status >= 400) {
      attributes[ATTR_ERROR_TYPE] = String(status);
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
  }
  const httpVersion = protocolVersionOf(response.request);
  if (httpVersion !== undefined) attributes[ATTR_NETWORK_PROTOCOL_VERSION] = httpVersion;
  span.setAttributes(attributes);
  return attributes;
}

/**
 * Whether a failure is a cancellation: axios' `CanceledError`, any error named
 * `AbortError` (a `DOMException` or a library's own), or the reason of the
 * request's aborted `signal` itself (what a plugin that rejects with
 * `signal.reason` hands on, whatever it is).
 */
export function isCancellation(error: unknown, signal?: unknown): boolean {
  if (typeof error === 'object' && error !== null) {
    const { __CANCEL__, code, name } = error as { __CANCEL__?: unknown; code?: unknown; name?: unknown };
    if (__CANCEL__ === true || code === ERROR_TYPE_CANCELED || name === 'AbortError') return true;
  }
  const aborted = signal as { aborted?: unknown; reason?: unknown } | undefined;
  return typeof aborted === 'object' && aborted !== null && aborted.aborted === true && aborted.reason === error;
}

/** String(value), or its tag for values that refuse conversion (a null-prototype object, say). */
function describe(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * A low-cardinality name for a failure: axios' error code, else the error's
 * class; `_OTHER` for a plain `Error` without a code (its name says nothing).
 */
export function errorType(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    const name = (error as { name?: unknown }).name;
    if (typeof name === 'string' && name !== '' && name !== 'Error') return name;
  }
  return ERROR_TYPE_VALUE_OTHER;
}

/**
 * Records a failed request. A cancellation is the application's choice, not a
 * fault of the server: its span keeps status UNSET, with `error.type` =
 * `ERR_CANCELED` and no exception event. Any other failure sets status ERROR
 * and records the exception; `error.type` is the error's code unless the
 * response already gave it its status code (>= 400). `signal` is the
 * request's, to recognise its reason. Returns the attributes set.
 */
export function applyFailure(span: Span, error: unknown, redaction: QueryRedaction, signal?: unknown): Attributes {
  if (isCancellation(error, signal)) {
    span.setAttribute(ATTR_ERROR_TYPE, ERROR_TYPE_CANCELED);
    return { [ATTR_ERROR_TYPE]: ERROR_TYPE_CANCELED };
  }
  const attributes: Attributes = {};
  const status = (error as { response?: { status?: unknown } } | null)?.response?.status;
  if (!(typeof status === 'number' && status >= 400)) {
    attributes[ATTR_ERROR_TYPE] = errorType(error);
    span.setAttributes(attributes);
  }
  // A URL with credentials can end up in a message (undici's "cannot be
  // constructed from a URL that includes credentials: <url>").
  const message = redactUrlsInText(error instanceof Error ? error.message : describe(error), redaction);
  if (error instanceof Error) {
    span.recordException({
      name: error.name,
      message,
      stack: error.stack === undefined ? undefined : redactUrlsInText(error.stack, redaction),
      code: typeof (error as { code?: unknown }).code === 'string' ? (error as unknown as { code: string }).code : undefined,
    });
  } else {
    span.recordException(message);
  }
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? message : undefined });
  return attributes;
}
