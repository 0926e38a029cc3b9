/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { Span } from '@opentelemetry/api';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import type {
  AxiosRequestConfig,
  AxiosResponse,
  InternalAxiosRequestConfig,
} from 'axios';

/** What `requestHook` sees, just before the request leaves. */
export interface AxiosRequestHookInfo {
  /**
   * The final request config: defaults merged, request interceptors and
   * `transformRequest` applied, trace headers injected. `config.headers` are
   * the headers that will be sent (the transport may still add `User-Agent`,
   * `Content-Length` and `Accept-Encoding`) and `config.data` the serialised body.
   */
  config: InternalAxiosRequestConfig;
  /** The value written to `url.full` (after redaction and `urlFilter`), if the URL could be parsed. */
  url: string | undefined;
}

/** What `responseHook` sees, when the transport has answered or failed. */
export interface AxiosResponseHookInfo {
  config: InternalAxiosRequestConfig | undefined;
  /** The response, when the server answered (also for statuses that axios rejects). Its `data` is the raw body, before `transformResponse`. */
  response?: AxiosResponse;
  /** The error, when the request failed (an `AxiosError` for anything axios raised). */
  error?: unknown;
}

export type AxiosRequestHook = (span: Span, info: AxiosRequestHookInfo) => void;
export type AxiosResponseHook = (span: Span, info: AxiosResponseHookInfo) => void;
/** Decides the value of `url.full`. It receives the URL after default redaction. */
export type AxiosUrlFilter = (url: URL) => string;
/** Returns true to make no span for this request. Receives the config as passed to the axios call. */
export type AxiosIgnoreRequestHook = (config: AxiosRequestConfig) => boolean;

/**
 * Cross-origin URLs that may receive the trace headers in a browser: a string
 * equal to the request's full URL, or a RegExp matching it.
 */
export type PropagateTraceHeaderCorsUrls = string | RegExp | ReadonlyArray<string | RegExp>;

/** How captured bodies are scrubbed, and what else counts as sensitive. */
export interface ScrubbingOptions {
  /**
   * Patterns added to `DEFAULT_SENSITIVE_PATTERNS`, for the keys of captured
   * bodies, and also for header names and query keys (on top of
   * `sensitiveHeaders` and `redactedQueryParams`). Strings are regular
   * expressions (as Logfire's `extra_patterns`); all are case-insensitive and
   * searched anywhere in the key. They also make a key sensitive where
   * values are read for credentials (`key=…`, `"key": "…"`).
   */
  extraPatterns?: ReadonlyArray<string | RegExp>;
  /**
   * Called for each value about to be redacted, with its path, the value and
   * what made it sensitive: a return other than undefined is written instead
   * of the redaction (and the value is not listed as redacted). A throw or a
   * promise means redaction.
   */
  callback?: ScrubCallback;
}

/** Which attribute names captured bodies are written under. */
export type BodyAttributeNames = 'semconv' | 'logfire';

export interface AxiosInstrumentationConfig extends InstrumentationConfig {
  /** Capture headers and request and response bodies. Also set by `OTEL_INSTRUMENTATION_AXIOS_CAPTURE_ALL=true`. */
  captureAll?: boolean;
  /** Capture request and response headers as `http.request.header.<name>` / `http.response.header.<name>`. */
  captureHeaders?: boolean;
  /** Capture the serialised request body as `http.request.body.content`. */
  captureRequestBody?: boolean;
  /**
   * Capture the raw response body as `http.response.body.content`: `true` for
   * every response, `'on-error'` only for responses with status >= 400.
   */
  captureResponseBody?: boolean | 'on-error';
  /** Captured bodies are cut to at most this many characters. Default 16384. */
  maxBodyLength?: number;
  /** `'semconv'` (default): `http.*.body.content` and `axios.scrubbed`; `'logfire'`: `http.*.body.text` and `logfire.scrubbed`. */
  bodyAttributeNames?: BodyAttributeNames;
  /**
   * Header names whose values are written as `[REDACTED]`: strings match the
   * whole name (case-insensitive), regular expressions are tested against the
   * lower-case name. Replaces the default list, `DEFAULT_SENSITIVE_HEADERS`.
   */
  sensitiveHeaders?: ReadonlyArray<string | RegExp>;
  /**
   * Headers captured by name (case-insensitive) even when `captureHeaders` is
   * off; no others. Sensitive ones are still `[REDACTED]` unless removed from
   * `sensitiveHeaders`. When not given, the comma-separated lists in
   * `OTEL_INSTRUMENTATION_HTTP_CLIENT_CAPTURE_REQUEST_HEADERS` and
   * `OTEL_INSTRUMENTATION_HTTP_CLIENT_CAPTURE_RESPONSE_HEADERS` are used.
   */
  headersToSpanAttributes?: { requestHeaders?: string[]; responseHeaders?: string[] };
  /** Query keys whose values are written as `REDACTED` in `url.full`. Replaces `DEFAULT_REDACTED_QUERY_PARAMS`. */
  redactedQueryParams?: readonly string[];
  /**
   * Captured JSON and form bodies have the values of sensitive keys written as
   * `[REDACTED]`, and credentials inside values (`password=…`, `Bearer …`) of
   * bodies and header values are hidden too (default on); what was redacted is
   * listed in `axios.scrubbed` (`logfire.scrubbed`). `{ extraPatterns, callback }`
   * adds patterns and keeps chosen values; `false` records bodies as they are.
   */
  scrubbing?: false | ScrubbingOptions;
  /** Called with the span and the final request config before the request leaves. */
  requestHook?: AxiosRequestHook;
  /** Called with the span and the response or the error when the transport settles. */
  responseHook?: AxiosResponseHook;
  /** Decides the value written to `url.full`. */
  urlFilter?: AxiosUrlFilter;
  /** Returns true for requests that get no span. */
  ignoreRequestHook?: AxiosIgnoreRequestHook;
  /** Make no span (and inject no headers) for a request made outside any active span. Default false. */
  requireParentforSpans?: boolean;
  /**
   * Also record the `http.client.request.body.size` and
   * `http.client.response.body.size` histograms (development status in the
   * conventions). `http.client.request.duration` is always recorded.
   */
  bodySizeMetrics?: boolean;
  /**
   * Who counts a request in `http.client.request.duration` when it went through
   * a transport that an OpenTelemetry instrumentation also records
   * (`@opentelemetry/instrumentation-http` for the http adapter,
   * `@opentelemetry/instrumentation-undici` for the fetch adapter).
   * `'auto'` (default): that instrumentation's point is the request's, this
   * package records the rest (no such instrumentation, a custom adapter, a
   * request that failed before the transport), so each request is counted
   * once. `'always'`: this package records every request, and the transport's
   * copy is yours to drop (a View).
   */
  durationMetric?: 'auto' | 'always';
  /**
   * Keep the spans of lower-level HTTP instrumentations (such as
   * `@opentelemetry/instrumentation-http`) under the axios span. Default false:
   * one CLIENT span per axios request.
   */
  keepTransportSpans?: boolean;
  /**
   * Record no span events for the phases of the request (`fetchStart`,
   * `domainLookupStart` ... `responseEnd`, named as OpenTelemetry's web
   * instrumentations name them, as the option of OpenTelemetry's fetch and
   * XMLHttpRequest instrumentations is). Default false: they are recorded, on
   * Node from the socket, in a browser from the request's Resource Timing
   * entry. On Node the connection's attributes (`network.peer.address`,
   * `network.peer.port`, `axios.connection.reused`) are recorded either way.
   */
  ignoreNetworkEvents?: boolean;
  /**
   * In a browser, the cross-origin URLs whose requests get the trace headers
   * (same-origin requests always do): a header the application did not set
   * makes the browser send a CORS preflight, which the server must allow.
   * A string must equal the full URL, a RegExp must match it. No effect on
   * Node, where every request carries them.
   */
  propagateTraceHeaderCorsUrls?: PropagateTraceHeaderCorsUrls;
  /**
   * In a browser, empty the Resource Timing buffer
   * (`performance.clearResourceTimings()`) once no traced request is waiting
   * for its entry, so that the buffer (250 entries by default) does not fill.
   * Default false: the page's buffer is left alone. No effect on Node.
   */
  clearTimingResources?: boolean;
}

/** What `scrubbing.callback` is asked about: one value about to be redacted. */
export interface ScrubMatch {
  /** Where it is: `['attributes', 'http.response.body.content', 'user', 'note']`. */
  readonly path: ReadonlyArray<string | number>;
  /**
   * What would be hidden: the value of a sensitive JSON key (parsed), of a form
   * key (decoded), the credential part of a text, string or header value
   * (`hunter2` in `password=hunter2`), or the values of a sensitive header.
   */
  readonly value: unknown;
  /** What made it sensitive, as the record names it: `password`, `Bearer`, `userinfo`. */
  readonly matchedSubstring: string;
}

/** Returns what to write instead of the redaction, or undefined to redact. */
export type ScrubCallback = (match: ScrubMatch) => unknown;
