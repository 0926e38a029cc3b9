/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { Context, context, Span } from '@opentelemetry/api';
import type { InternalAxiosRequestConfig } from 'axios';

import type { AxiosModule } from '../../axios-internals';
import type { NetworkTimingsHolder } from '../../network-timings';
import { AdapterHeaders, injectTraceHeaders } from '../../trace-headers';
import { transportContext } from '../../transport-context';

// Redirect hops are seen on Node only: axios' http adapter follows them with
// follow-redirects, which calls `beforeRedirect` before each hop (a Node-only
// option, as `maxRedirects` is). Browsers follow redirects themselves, out of
// sight of the xhr and fetch adapters.

/** The options follow-redirects hands `beforeRedirect` for the next hop (mutable). */
interface RedirectOptions {
  href?: unknown;
  method?: unknown;
  headers?: unknown;
  /** The modules each hop is sent with, by protocol (`http:`, `https:`): one object shared by every request. */
  nativeProtocols?: unknown;
}

/** What the 3xx said (recent axios versions pass it; older ones pass nothing). */
interface RedirectResponse {
  statusCode?: unknown;
  headers?: unknown;
}

/** The hop that was redirected, as follow-redirects describes it (headers as sent, `Host` included). */
interface RedirectedRequest {
  headers?: unknown;
}

type BeforeRedirect = (this: unknown, options: RedirectOptions, response?: RedirectResponse, request?: RedirectedRequest) => void;

/** What redirect tracing reads and writes of the state of a request (the instrumentation's RequestState). */
interface HopState extends NetworkTimingsHolder {
  /** The span of the attempt on the wire now. */
  span: Span | undefined;
  readonly capture: { propagatesTo(href: string | undefined): boolean };
  readonly options: { keepTransportSpans?: boolean };
  redirectsTraced: boolean;
  appBeforeRedirect: unknown;
  hopContext: Context | undefined;
}

/** The steps of the instrumentation that every attempt goes through, a redirect hop as much as the first. */
export interface AttemptSteps<State extends HopState> {
  _openSpan(state: State, requestedMethod: unknown, href: string | undefined, startTime: number): Span;
  _followAttempt(state: State, span: Span): Context;
  _recordAnswer(state: State, span: Span, sentHeaders: unknown, answer: { status?: unknown } | undefined, responseHeaders: unknown): void;
  _endRequest(state: State, span: Span, requestBodySize: undefined, responseBodySize: undefined, sentRequest: unknown): void;
  _ourFailure(what: string, error: unknown): void;
}

const httpAdapters = new WeakMap<AxiosModule, unknown>();

/** Whether `adapter` is this copy's http adapter (whose transport is Node's http and https). */
export function isHttpAdapter(axiosModule: AxiosModule, adapter: unknown): boolean {
  return adapter === httpAdapterOf(axiosModule);
}

/** This copy's http adapter (null where it has none); looked up once per copy. */
function httpAdapterOf(axiosModule: AxiosModule): unknown {
  let adapter = httpAdapters.get(axiosModule);
  if (adapter === undefined) {
    adapter = lookUpHttpAdapter(axiosModule);
    // A 0.x copy known only from lib/core/Axios.js has no defaults yet: asked again later.
    if (axiosModule.getAdapter || axiosModule.defaults) httpAdapters.set(axiosModule, adapter);
  }
  return adapter;
}

function lookUpHttpAdapter(axiosModule: AxiosModule): unknown {
  if (axiosModule.getAdapter) {
    try {
      return axiosModule.getAdapter('http');
    } catch {
      return null;
    }
  }
  // axios 0.x exports no adapter; on Node the default one, chosen at load, is
  // the http adapter (named so in every 0.x release; a minifier may rename it,
  // and then redirects are not seen hop by hop).
  const adapter = axiosModule.defaults?.adapter;
  return typeof adapter === 'function' && adapter.name === 'httpAdapter' ? adapter : null;
}

/**
 * Each hop of a request sent through the http adapter gets a span of its own.
 * The application's own `beforeRedirect` runs before the next hop's span
 * starts: if it throws, no further hop is sent, and the request fails on the
 * hop whose redirect it refused.
 */
export function traceRedirectHops<State extends HopState>(steps: AttemptSteps<State>, state: State, config: InternalAxiosRequestConfig): void {
  if (config.maxRedirects === 0) return;
  try {
    const appBeforeRedirect = config.beforeRedirect as BeforeRedirect | undefined;
    const tracedBeforeRedirect: BeforeRedirect = function (options, response, request) {
      onRedirectAnswered(steps, state, options, response, request);
      if (typeof appBeforeRedirect === 'function') appBeforeRedirect.apply(this, arguments as unknown as Parameters<BeforeRedirect>);
      onRedirected(steps, state, options);
    };
    config.beforeRedirect = tracedBeforeRedirect as InternalAxiosRequestConfig['beforeRedirect'];
    state.appBeforeRedirect = appBeforeRedirect;
    state.redirectsTraced = true;
  } catch (error) {
    steps._ourFailure('tracing redirects', error);
  }
}

/** The config axios hands back must carry the application's `beforeRedirect`, not this request's. */
export function restoreBeforeRedirect<State extends HopState>(steps: AttemptSteps<State>, state: State, config: InternalAxiosRequestConfig): void {
  if (!state.redirectsTraced) return;
  try {
    if (state.appBeforeRedirect === undefined) delete config.beforeRedirect;
    else config.beforeRedirect = state.appBeforeRedirect as InternalAxiosRequestConfig['beforeRedirect'];
  } catch (error) {
    steps._ourFailure("giving back the application's beforeRedirect", error);
  }
}

/** A hop was answered with a redirect: record the answer on its span. */
function onRedirectAnswered<State extends HopState>(
  steps: AttemptSteps<State>,
  state: State,
  options: RedirectOptions,
  response: RedirectResponse | undefined,
  request: RedirectedRequest | undefined
): void {
  try {
    // The hop's exchange is over: follow-redirects discards the 3xx body unread.
    if (state.timings) state.timings.responseEnd = performance.now();
    // Older axios passes no request details: what is left of the hop's headers is in the options.
    const answer = response && { status: response.statusCode };
    steps._recordAnswer(state, state.span as Span, request?.headers ?? options.headers, answer, response?.headers);
  } catch (error) {
    steps._ourFailure('recording a redirect', error);
  }
}

/** The redirect is followed: end the hop's span, start the next hop's and send that hop in its context. */
function onRedirected<State extends HopState>(steps: AttemptSteps<State>, state: State, options: RedirectOptions): void {
  // The hop went out through the http adapter's transport.
  steps._endRequest(state, state.span as Span, undefined, undefined, options);
  try {
    const href = typeof options.href === 'string' ? options.href : undefined;
    const span = steps._openSpan(state, options.method, href, performance.now());
    const hopContext = steps._followAttempt(state, span);
    if (options.headers && typeof options.headers === 'object' && state.capture.propagatesTo(href)) {
      injectTraceHeaders(hopContext, options.headers as AdapterHeaders);
    }
    state.hopContext = transportContext(hopContext, state);
    sendEachHopThrough(options, (send) => context.with(state.hopContext as Context, send));
  } catch (error) {
    // The hop goes out untraced; the ended span stays the request's, and is not ended again.
    steps._ourFailure('starting the span of a redirect hop', error);
  }
}

/** Marks the protocols that `sendEachHopThrough` gave a request's options. */
const HOP_PROTOCOLS = Symbol('opentelemetry-instrumentation-axios: protocols of one redirected request');

type NativeProtocol = { request: (...args: unknown[]) => unknown };

/**
 * follow-redirects sends the next hop from inside its handling of the
 * previous hop's response, so in the previous hop's context. These options
 * (one request's, kept for all its hops) get protocols of their own whose
 * `request()` goes through `send`; the shared ones are left alone.
 */
function sendEachHopThrough(options: RedirectOptions, send: <T>(request: () => T) => T): void {
  const protocols = options.nativeProtocols;
  if (typeof protocols !== 'object' || protocols === null || HOP_PROTOCOLS in protocols) return;
  const own: Record<string | symbol, unknown> = { [HOP_PROTOCOLS]: true };
  for (const [scheme, protocol] of Object.entries(protocols)) {
    if (typeof (protocol as Partial<NativeProtocol> | undefined)?.request !== 'function') {
      own[scheme] = protocol;
      continue;
    }
    const request = function (this: unknown, ...args: unknown[]) {
      // Looked up at each hop: an HTTP instrumentation may patch it meanwhile.
      return send(() => (protocol as NativeProtocol).request(...args));
    };
    own[scheme] = Object.create(protocol as object, { request: { value: request, writable: true, configurable: true } });
  }
  options.nativeProtocols = own;
}
