/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import {
  Attributes,
  Context,
  context,
  diag,
  isSpanContextValid,
  Span,
  SpanKind,
  trace,
} from '@opentelemetry/api';
import { InstrumentationBase, isWrapped, safeExecuteInTheMiddle } from '@opentelemetry/instrumentation';
import {
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_URL_FULL,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';
import type { AxiosRequestConfig, AxiosResponse, InternalAxiosRequestConfig } from 'axios';

import {
  adapterFor,
  AxiosInstanceLike,
  AxiosModule,
  AxiosPrototype,
  findAxiosModule,
  RequestMethod,
  requestMethodName,
} from './axios-internals';
import {
  BodyAttributeNames,
  bodyAttributes,
  byteLength,
  isStillEncoded,
  parseContentLength,
  responseHasNoBody,
} from './body';
import { millisToHrTime, wallClockMillisAt } from './clock';
import { ResolvedCapture, resolveConfig } from './config';
import { readHeader, sentHeadersSource } from './headers';
import { jsonBodyAttribute, logfireJsonSchema } from './logfire';
import { ClientMetrics, collectMetricAttributes } from './metrics';
import { NetworkTimings, SettledRequest } from './network-timings';
import {
  absoluteRequestUrl,
  axiosModuleHooks,
  checkEsmSetup,
  finishNetworkTimings,
  isHttpAdapter,
  restoreBeforeRedirect,
  startNetworkTimings,
  takeOverFromZeroCode,
  transportDecodedBody,
  traceRedirectHops,
  transportRecordsDuration,
  unwatchNetworkTimings,
  watchNetworkTimings,
} from './platform';
import { ATTR_HTTP_REQUEST_BODY_SIZE, ATTR_LOGFIRE_JSON_SCHEMA } from './semconv';
import {
  applyFailure,
  applyResponse,
  normaliseMethod,
  requestAttributes,
  ResponseLike,
  spanName,
} from './span-attributes';
import type { AxiosInstrumentationConfig } from './types';
import { AdapterHeaders, InjectedHeader, injectTraceHeaders, restoreHeaders } from './trace-headers';
import type { ScrubbedNote } from './scrubbing';
import { SUPPRESS_TRACING_KEY, transportContext } from './transport-context';
import { RequestUrl, requestUrlString } from './url';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';

/**
 * Each traced adapter carries the request it traces. axios hands the config
 * back on `response.config` and `error.config`, our adapter in it, and a
 * config sent again (axios-retry, a token refresh) is a resend of that
 * request: it must not run the first request's adapter inside the second, and
 * it counts on from the first one's attempts. (A property, not a WeakMap: an
 * entry per request in a WeakMap cost more than the rest of the call's setup.)
 */
const TRACED_REQUEST = Symbol('opentelemetry-instrumentation-axios: the request a traced adapter traces');

type TracedAdapter = ((config: InternalAxiosRequestConfig) => Promise<AxiosResponse>) & { [TRACED_REQUEST]?: RequestState };

function tracedRequestOf(adapter: unknown): RequestState | undefined {
  return typeof adapter === 'function' && TRACED_REQUEST in adapter ? (adapter as TracedAdapter)[TRACED_REQUEST] : undefined;
}

/**
 * One axios call on its way from the application to the server and back.
 * Every field is set in the constructor, so that each request's state has the
 * same shape from the start (fields added later cost V8 a new layout each).
 */
class RequestState {
  /** The adapter the application chose (the call's, else the instance's), which the traced adapter stands in for. */
  chosenAdapter: unknown = undefined;
  /**
   * The attempts already put on the wire for this request: the earlier sends
   * of a config sent again, and the hops of redirects. The next attempt's
   * `http.request.resend_count` when it is not 0.
   */
  attemptsSent = 0;
  /** Our `beforeRedirect` is in the config: the application's is given back when the request is done. */
  redirectsTraced = false;
  appBeforeRedirect: unknown = undefined;
  /** The traced adapter has run once: a config handed back and sent again does not run it twice. */
  dispatched = false;
  /** The trace headers injected, taken out again when the request is done. */
  injectedHeaders: InjectedHeader[] | undefined = undefined;
  /** The span of the attempt on the wire now (each redirect hop has its own). */
  span: Span | undefined = undefined;
  /** The context a redirect hop is sent in: its own span's, not the previous hop's. */
  hopContext: Context | undefined = undefined;
  /** The last span ended, so that no span is ended (and its duration recorded) twice. */
  endedSpan: Span | undefined = undefined;
  /** The wall-clock time of `startTime`, in milliseconds since the epoch: the span's start. */
  startEpochMillis = 0;
  /** The span's attributes that the duration metric carries too. */
  metricAttributes: Attributes | undefined = undefined;
  /** The value written to `url.full`. */
  urlFull: string | undefined = undefined;
  /** The absolute URL requested, unredacted, if known: where the trace headers would go. */
  requestHref: string | undefined = undefined;
  /** The final config the adapter received. */
  config: InternalAxiosRequestConfig | undefined = undefined;
  /** The request went to axios' http adapter (whose transport is Node's http and https). */
  viaHttpAdapter = false;
  /** The body attributes of `jsonBodiesSpan` named in Logfire's JSON-schema hint (`bodyAttributeNames: 'logfire'`). */
  jsonBodies: string[] | undefined = undefined;
  jsonBodiesSpan: Span | undefined = undefined;
  /** What scrubbing redacted on `scrubbedSpan` so far (its request body, then its headers and response body). */
  scrubbed: ScrubbedNote[] | undefined = undefined;
  scrubbedSpan: Span | undefined = undefined;
  /**
   * The phases of the attempt on the wire now (each redirect hop has its own), followed by the platform: on Node
   * found through NETWORK_TIMINGS_KEY while it runs, in a browser from its Resource Timing entry once it settles.
   */
  timings: NetworkTimings | undefined = undefined;

  constructor(
    readonly axiosModule: AxiosModule,
    readonly instance: AxiosInstanceLike,
    /** The config as the application passed it (with `url` for the `axios(url)` form). */
    readonly callConfig: AxiosRequestConfig,
    readonly parentContext: Context,
    /** `performance.now()` when the application made the call, then when each redirect hop started. */
    public startTime: number,
    /** The options in force at the call: a setConfig() while the request is in flight does not mix in others. */
    readonly options: AxiosInstrumentationConfig,
    readonly capture: ResolvedCapture
  ) {}
}

/** What `_runHook` returns for a callback that threw. */
const HOOK_THREW = Symbol('the hook threw');

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}

/**
 * Traces every axios request as one CLIENT span, following the stable HTTP
 * semantic conventions, and propagates its context to the server.
 *
 * The span starts, with the time of the call, when the request is handed to
 * the adapter: the URL, method and headers are final then. It ends when the
 * transport settles, so each HTTP exchange is one span (a retry made by a
 * response interceptor is a span of its own). A call that fails before it
 * reaches the adapter (a request interceptor throws, `data` cannot be
 * serialised, it is cancelled early) still gets a span recording the failure.
 */
export class AxiosInstrumentation extends InstrumentationBase<AxiosInstrumentationConfig> {
  // Set by setConfig(), which the base-class constructor calls: declared so
  // that no field initialiser runs after it and overwrites them.
  declare private _capture: ResolvedCapture;
  declare private _warnedAboutCaptureAll: boolean;
  declare private _saidScrubbingIsOff: boolean;
  // Set by _updateMetricInstruments(), which the base-class constructor calls.
  declare private _metrics: ClientMetrics;

  /**
   * Every copy of axios seen, by the module hook or through manuallyInstrument(),
   * so that disable() and enable() reach them all, not only the last one loaded.
   * Created on first use: the base-class constructor calls enable().
   */
  declare private _knownAxiosCopies: Map<AxiosPrototype, AxiosModule> | undefined;
  /** Whether the copies are to be patched: enable() and disable() of the base class keep no flag we can read everywhere. */
  declare private _patching: boolean;
  /** A copy was handed over with manuallyInstrument(). */
  declare private _handedOver: boolean;

  constructor(config: AxiosInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  /**
   * Traces a copy of axios that no module-load hook can see: one inlined by a
   * bundler, one loaded where require and import hooks do not exist (browsers,
   * ESM on Bun and Deno), or one imported before the SDK was set up. Pass the
   * axios default export (or any object carrying `Axios` and `getAdapter`, or
   * on axios 0.x `Axios` and `defaults`). axios 0.x bound its default export's
   * own call (`axios(config)`, `axios.request(config)`) when it loaded, out of
   * reach here: those two forms are traced only through the module hook.
   * The copy is patched now if the instrumentation is enabled, else when it
   * is; disable() and enable() reach it like any other. Calling it again, or
   * for a copy the module hook already patched, changes nothing.
   */
  manuallyInstrument(axios: unknown): void {
    const axiosModule = findAxiosModule(axios);
    if (!axiosModule) {
      this._diag.warn('manuallyInstrument() was given something that is not axios (0.21.4 or later); nothing was patched');
      return;
    }
    this._handedOver = true;
    this._rememberAxiosCopy(axiosModule);
    if (this._patching) this._patchAllCopies();
  }

  // The Node base class hooks module loading in enable() and unpatches hooked
  // modules in disable(); the browser base class leaves both to us. Either way
  // the copies handed to manuallyInstrument() follow the switch too.
  override enable(): void {
    if (typeof super.enable === 'function') super.enable();
    // An instance the application enables takes over from the one the zero-code
    // entry point started: that one stops, and its axios copies, which no module
    // hook will show this one again, are patched here.
    takeOverFromZeroCode(this, (axiosModule) => this._rememberAxiosCopy(axiosModule));
    this._patching = true;
    this._patchAllCopies();
    // Once per instance, after its first enable(): an ES module application's axios that cannot be traced as set up.
    checkEsmSetup(this, () => this._handedOver, (message) => this._diag.warn(message));
    watchNetworkTimings(this);
  }

  override disable(): void {
    this._patching = false;
    if (typeof super.disable === 'function') super.disable();
    this._unpatchAll();
    unwatchNetworkTimings(this);
  }

  override setConfig(config: AxiosInstrumentationConfig = {}): void {
    super.setConfig(config);
    // _diag is not set yet when the base-class constructor calls setConfig().
    const logger = this._diag ?? diag;
    const resolved = resolveConfig(this._config, logger);
    if (resolved.captureAllOverlaps && !this._warnedAboutCaptureAll) {
      this._warnedAboutCaptureAll = true;
      logger.warn('captureAll captures everything: captureHeaders, captureRequestBody and captureResponseBody are ignored.');
    }
    if (resolved.scrubbingOff && !this._saidScrubbingIsOff) {
      this._saidScrubbingIsOff = true;
      logger.warn('scrubbing is false: captured bodies are recorded as they are, credentials included.');
    }
    if (resolved.invalidPatterns.length > 0) {
      logger.error(
        `scrubbing.extraPatterns: not regular expressions, searched as plain text: ${resolved.invalidPatterns.join(', ')}`
      );
    }
    this._capture = resolved.capture;
  }

  protected override _updateMetricInstruments(): void {
    this._metrics = new ClientMetrics(this.meter);
  }

  protected init() {
    return axiosModuleHooks(
      (axiosModule) => this._adoptAxiosCopy(axiosModule),
      () => this._unpatchAll(),
      (message) => this._diag.debug(message)
    );
  }

  // ---------------------------------------------------------------- patching

  /**
   * Stops this instance for another, returning the axios copies it knew:
   * called by the successor's platform/node/zero-code-slot.ts, maybe from
   * another copy of this package, so its name and shape stay.
   */
  _handOver(): unknown[] {
    this.disable();
    return this._knownAxiosCopies ? [...this._knownAxiosCopies.values()] : [];
  }

  /** A copy of axios the module hook loaded. */
  private _adoptAxiosCopy(axiosModule: AxiosModule): void {
    this._rememberAxiosCopy(axiosModule);
    // The base class re-patches only the last module it loaded on enable();
    // walking every known copy also restores the ESM/CJS twin.
    this._patchAllCopies();
  }

  private _rememberAxiosCopy(axiosModule: AxiosModule): void {
    this._knownAxiosCopies ??= new Map();
    const { prototype } = axiosModule.Axios;
    const known = this._knownAxiosCopies.get(prototype);
    // A 0.x copy first seen through lib/core/Axios.js: its wrapper holds that record, which gets the package's defaults.
    if (known && known !== axiosModule) known.defaults ??= axiosModule.defaults;
    else this._knownAxiosCopies.set(prototype, axiosModule);
  }

  private _patchAllCopies(): void {
    if (!this._knownAxiosCopies) return;
    for (const [prototype, module] of this._knownAxiosCopies) {
      const method = requestMethodName(prototype);
      if (!isWrapped(prototype[method])) {
        this._wrap(prototype, method, (original) => this._traceRequestMethod(original as RequestMethod, module));
      }
    }
  }

  private _unpatchAll(): void {
    if (!this._knownAxiosCopies) return;
    for (const prototype of this._knownAxiosCopies.keys()) {
      const method = requestMethodName(prototype);
      if (isWrapped(prototype[method])) this._unwrap(prototype, method);
    }
  }

  private _traceRequestMethod(original: RequestMethod, axiosModule: AxiosModule): RequestMethod {
    const instrumentation = this;
    return function tracedRequest(this: AxiosInstanceLike, configOrUrl?: unknown, config?: unknown) {
      const parentContext = context.active();
      // axios 0.x's default export keeps the wrapper it was bound to after disable().
      if (!instrumentation._patching || parentContext.getValue(SUPPRESS_TRACING_KEY) === true) {
        return original.apply(this, arguments as unknown as [unknown, unknown]);
      }
      // The same reading of the arguments as axios' own (`axios(url, config)`).
      const callConfig: AxiosRequestConfig =
        typeof configOrUrl === 'string' ? { ...(config as object), url: configOrUrl } : (configOrUrl ?? {});
      if (instrumentation._lacksRequiredParent(parentContext) || instrumentation._isIgnored(callConfig)) {
        return original.apply(this, arguments as unknown as [unknown, unknown]);
      }
      const state = new RequestState(
        axiosModule,
        this,
        callConfig,
        parentContext,
        performance.now(),
        instrumentation._config,
        instrumentation._capture
      );
      return instrumentation._onRequestCreated(state, original);
    };
  }

  // ------------------------------------------------- the life of one request

  /** The application called axios: route the request through our adapter. */
  private _onRequestCreated(state: RequestState, original: RequestMethod): Promise<unknown> {
    const { callConfig, instance } = state;
    // Resolved as axios' mergeConfig() would (the call's adapter, else the instance's).
    // Only a config handed back and passed to the call is a resend: an instance
    // created from one (`axios.create(response.config)`) makes requests of its own.
    const resent = tracedRequestOf(callConfig.adapter);
    if (resent) {
      state.chosenAdapter = resent.chosenAdapter;
      state.attemptsSent = resent.attemptsSent;
    } else {
      const configuredAdapter = callConfig.adapter !== undefined ? callConfig.adapter : instance.defaults?.adapter;
      state.chosenAdapter = tracedRequestOf(configuredAdapter)?.chosenAdapter ?? configuredAdapter;
    }
    const tracedAdapter: TracedAdapter = (config) => this._onRequestDispatched(state, config);
    tracedAdapter[TRACED_REQUEST] = state;
    const tracedConfig = { ...callConfig, adapter: tracedAdapter };
    let result: Promise<unknown>;
    try {
      result = original.call(instance, tracedConfig);
    } catch (error) {
      this._onFailedBeforeDispatch(state, error);
      throw error;
    }
    if (!isThenable(result)) return result;
    // A handler that rethrows, so an unhandled rejection stays unhandled.
    return result.then(undefined, (error: unknown) => {
      this._onFailedBeforeDispatch(state, error);
      throw error;
    });
  }

  /**
   * Interceptors and transformRequest have run: the config is final. Start the
   * span, then send the request with lower-level HTTP instrumentations suppressed.
   */
  private _onRequestDispatched(state: RequestState, config: InternalAxiosRequestConfig): Promise<AxiosResponse> {
    const { axiosModule } = state;
    const adapter = adapterFor(axiosModule, state.chosenAdapter, config);
    // Called again: axios was handed this adapter in a config it gave back
    // (`response.config`) while the instrumentation was disabled. That request
    // is untraced, like every other one made then.
    if (state.dispatched) return adapter(config);
    state.dispatched = true;
    let transportContext: Context | undefined;
    try {
      transportContext = this._beforeSend(state, config);
    } catch (error) {
      this._diag.error('could not start a span; the request is sent untraced', error);
      state.span?.end();
    }
    if (!transportContext) return adapter(config);
    state.viaHttpAdapter = isHttpAdapter(axiosModule, adapter);
    // Only the http adapter shows us its redirects (fetch and xhr follow them out of sight).
    if (state.viaHttpAdapter) traceRedirectHops(this, state, config);

    let transport: Promise<AxiosResponse>;
    try {
      transport = context.with(transportContext, adapter, undefined, config);
    } catch (error) {
      this._onTransportSettled(state, undefined, error);
      throw error;
    }
    if (!isThenable(transport)) {
      // axios will fail on this itself; end the span and let the application see axios' own error.
      this._onTransportSettled(state, undefined, new TypeError('the adapter did not return a promise'));
      return transport;
    }
    return transport.then(
      (response) => {
        this._onTransportSettled(state, response, undefined);
        return response;
      },
      (error: unknown) => {
        this._onTransportSettled(state, undefined, error);
        throw error;
      }
    );
  }

  /** Starts the span, injects the trace headers, captures the request; returns the context to send in. */
  private _beforeSend(state: RequestState, config: InternalAxiosRequestConfig): Context {
    const span = this._startSpan(state, config, config, undefined);
    state.config = config;
    const { capture, options } = state;
    const requestContext = this._followAttempt(state, span);
    try {
      if (capture.propagatesTo(state.requestHref)) {
        state.injectedHeaders = injectTraceHeaders(requestContext, config.headers as unknown as AdapterHeaders);
      }
    } catch (error) {
      this._ourFailure('injecting trace headers', error);
    }
    if (capture.requestBody && span.isRecording()) {
      try {
        this._captureBody(state, span, config.data, config.headers, capture.requestBodyNames);
      } catch (error) {
        this._ourFailure('capturing the request body', error);
      }
    }
    const { requestHook } = options;
    if (requestHook) this._runHook('requestHook', () => requestHook(span, { config, url: state.urlFull }));
    return transportContext(requestContext, state);
  }

  /** The server answered, or the transport failed: record the outcome and end the span. */
  private _onTransportSettled(state: RequestState, response: AxiosResponse | undefined, error: unknown): void {
    const span = state.span as Span;
    const config = state.config as InternalAxiosRequestConfig;
    const errorResponse = (error as { response?: AxiosResponse } | undefined)?.response;
    const answer = response ?? errorResponse;
    const sentRequest = answer?.request ?? (error as { request?: unknown } | undefined)?.request;
    // A HEAD's Content-Length is that of the body a GET would get: nothing was transferred.
    const answerBody = answer && !responseHasNoBody(config.method, answer.status) ? answer : undefined;
    const metricAttributes = state.metricAttributes as Attributes;
    const { capture, options } = state;
    let requestBodySize: number | undefined;
    let responseBodySize: number | undefined;
    // The body is read (or, for `responseType: 'stream'`, handed over); a failure ends the phases where it happened.
    if (answer && state.timings) state.timings.responseEnd = performance.now();
    let responseBodySizeKnown = answerBody === undefined;

    try {
      const sentHeaders = sentHeadersSource(sentRequest, config.headers);
      this._recordAnswer(state, span, sentHeaders, answer, answer?.headers);
      if (error !== undefined) {
        collectMetricAttributes(applyFailure(span, error, capture.queryRedaction, config.signal), metricAttributes);
      }
      // The transport sets Content-Length after the request body was captured.
      const sentBodySize =
        options.bodySizeMetrics || capture.requestBody
          ? parseContentLength(readHeader(sentHeaders, 'content-length'))
          : undefined;
      const declaredResponseBodySize = answerBody && parseContentLength(readHeader(answerBody.headers, 'content-length'));
      responseBodySizeKnown ||= declaredResponseBodySize !== undefined;
      if (options.bodySizeMetrics) {
        requestBodySize = sentBodySize;
        responseBodySize = answerBody && (declaredResponseBodySize ?? byteLength(answerBody.data));
      }
      if (span.isRecording()) {
        if (capture.requestBody && sentBodySize !== undefined) span.setAttribute(ATTR_HTTP_REQUEST_BODY_SIZE, sentBodySize);
        if (capture.responseBody && answerBody && answerBody.status >= capture.responseBodyMinStatus) {
          const decodedByFetch = transportDecodedBody(answerBody.request);
          this._captureBody(state, span, answerBody.data, answerBody.headers, capture.responseBodyNames, decodedByFetch);
        }
      }
    } catch (failure) {
      this._ourFailure('recording the response', failure);
    }

    const { responseHook } = options;
    if (responseHook) {
      this._runHook('responseHook', () =>
        responseHook(span, error === undefined ? { config, response } : { config, response: errorResponse, error })
      );
    }
    const { injectedHeaders } = state;
    if (injectedHeaders) {
      try {
        restoreHeaders(config.headers as unknown as AdapterHeaders, injectedHeaders);
      } catch (failure) {
        this._ourFailure('restoring the trace headers', failure);
      }
    }
    restoreBeforeRedirect(this, state, config);
    this._endRequest(state, span, requestBodySize, responseBodySize, sentRequest, answer !== undefined, responseBodySizeKnown);
  }

  /**
   * The call failed before the adapter ran (or the adapter could not be
   * found). Requests that reached the transport were recorded there.
   */
  private _onFailedBeforeDispatch(state: RequestState, error: unknown): void {
    if (state.span) return;
    let span: Span | undefined;
    try {
      span = this._startSpan(state, state.callConfig, undefined, state.instance.defaults);
      collectMetricAttributes(
        applyFailure(span, error, state.capture.queryRedaction, state.callConfig.signal ?? state.instance.defaults?.signal),
        state.metricAttributes as Attributes
      );
      const { responseHook } = state.options;
      if (responseHook) this._runHook('responseHook', () => responseHook(span as Span, { config: undefined, error }));
    } catch (failure) {
      this._ourFailure('recording a failure before dispatch', failure);
    } finally {
      if (span) this._endRequest(state, span, undefined, undefined, undefined);
    }
  }

  // ------------------------------------------------------------- the pieces

  /**
   * @param urlConfig the config the URL is read from
   * @param finalConfig the adapter's config, when the request got that far
   * @param defaults the instance defaults still to apply to urlConfig, when it is the call's own config
   */
  private _startSpan(
    state: RequestState,
    urlConfig: AxiosRequestConfig,
    finalConfig: InternalAxiosRequestConfig | undefined,
    defaults: AxiosInstanceLike['defaults']
  ): Span {
    const method = finalConfig ? finalConfig.method : (urlConfig.method ?? defaults?.method);
    const { getUri } = state.axiosModule.Axios.prototype;
    const href = absoluteRequestUrl(requestUrlString(getUri, urlConfig, defaults, state.capture.urls));
    return this._openSpan(state, method, href);
  }

  // The steps of an attempt from here to _endRequest, and _ourFailure, are not
  // private: platform/node/redirects.ts takes each redirect hop through them.

  /**
   * The span of one attempt to send the request, a child of the caller's
   * context; it becomes `state.span` only once it has started, so a failure
   * leaves the state describing the attempt before.
   */
  _openSpan(state: RequestState, requestedMethod: unknown, href: string | undefined, startTime = state.startTime): Span {
    const method = normaliseMethod(requestedMethod);
    const url = href === undefined ? undefined : state.capture.urls.describe(href);
    // Address attributes are read before urlFilter, which may change the URL it gets.
    const attributes = requestAttributes(method, url);
    const metricAttributes: Attributes = {};
    collectMetricAttributes(attributes, metricAttributes);
    const urlFull = url && this._urlFull(state, url);
    if (urlFull !== undefined) attributes[ATTR_URL_FULL] = urlFull;
    if (state.attemptsSent > 0) attributes[ATTR_HTTP_REQUEST_RESEND_COUNT] = state.attemptsSent;
    const startEpochMillis = wallClockMillisAt(startTime);
    const span = this.tracer.startSpan(
      spanName(method),
      { kind: SpanKind.CLIENT, startTime: millisToHrTime(startEpochMillis), attributes },
      state.parentContext
    );
    state.span = span;
    state.startTime = startTime;
    state.startEpochMillis = startEpochMillis;
    state.requestHref = href;
    state.metricAttributes = metricAttributes;
    state.urlFull = urlFull;
    return span;
  }

  /**
   * Counts the attempt whose span just opened (the request, or a redirect hop)
   * and follows its network phases (of a recording span only); returns the
   * context it is sent in, before the transport's part is added.
   */
  _followAttempt(state: RequestState, span: Span): Context {
    state.attemptsSent += 1;
    if (span.isRecording()) {
      try {
        state.timings = startNetworkTimings(state.requestHref, !state.options.ignoreNetworkEvents);
      } catch (error) {
        this._ourFailure('starting to follow the network timings', error);
      }
    }
    return trace.setSpan(state.parentContext, span);
  }

  /** What an answer (the response, or a redirect) tells of its attempt: the user agent sent, the status, the headers. */
  _recordAnswer(state: RequestState, span: Span, sentHeaders: unknown, answer: ResponseLike | undefined, responseHeaders: unknown): void {
    const userAgent = readHeader(sentHeaders, 'user-agent');
    if (userAgent !== undefined) span.setAttribute(ATTR_USER_AGENT_ORIGINAL, userAgent);
    if (answer) collectMetricAttributes(applyResponse(span, answer), state.metricAttributes as Attributes);
    if (span.isRecording()) this._captureHeaders(state, span, sentHeaders, responseHeaders);
  }

  /**
   * Ends the span and records the request's duration (and, opted in, its body
   * sizes). The duration is left to the transport's instrumentation when that
   * records it for this attempt (`durationMetric: 'auto'`), so that the attempt
   * is counted once under `http.client.request.duration`.
   *
   * @param sentRequest what axios reports as sent; undefined when the attempt never reached the transport
   * @param answered the server answered (see SettledRequest)
   * @param bodySizeKnown the response's headers gave its body size (see SettledRequest)
   *
   * A span whose network phases are followed is ended, with this end time,
   * once they are recorded: in a browser the timing entry may come later.
   */
  _endRequest(
    state: RequestState,
    span: Span,
    requestBodySize: number | undefined,
    responseBodySize: number | undefined,
    sentRequest: unknown,
    answered = true,
    bodySizeKnown = true
  ): void {
    // A hop whose successor's span could not start stays the request's span: it is ended once.
    if (state.endedSpan === span) return;
    state.endedSpan = span;
    // The end on the same monotonic clock as the start: the span's duration is the metric's.
    const durationMillis = performance.now() - state.startTime;
    const endTime = millisToHrTime(state.startEpochMillis + durationMillis);
    const { timings } = state;
    state.timings = undefined;
    if (timings !== undefined) {
      const settled: SettledRequest = {
        answered,
        bodySizeKnown,
        clearTimingResources: state.options.clearTimingResources === true,
        timeOrigin: state.startEpochMillis - state.startTime,
      };
      try {
        finishNetworkTimings(timings, span, settled, () => span.end(endTime));
      } catch (error) {
        this._ourFailure('recording the network timings', error);
        // Unless the platform ended it before it failed.
        if (span.isRecording()) span.end(endTime);
      }
    } else {
      span.end(endTime);
    }
    try {
      const recordsDuration =
        state.options.durationMetric === 'always' || !transportRecordsDuration(state.viaHttpAdapter, sentRequest);
      this._metrics.record(
        recordsDuration ? durationMillis / 1000 : undefined,
        state.metricAttributes as Attributes,
        requestBodySize,
        responseBodySize
      );
    } catch (error) {
      this._ourFailure('recording metrics', error);
    }
  }

  /** `url.full`: credentials redacted, then the user's `urlFilter`. */
  private _urlFull(state: RequestState, url: RequestUrl): string | undefined {
    const { redactedHref } = url;
    if (redactedHref === undefined) {
      this._diag.error('could not redact the URL; url.full is not recorded');
      return undefined;
    }
    const { urlFilter } = state.options;
    if (!urlFilter) return redactedHref;
    // A URL of its own for each call: the filter may change the one it is given and still fail.
    const redacted = new URL(redactedHref);
    const filtered = this._runHook('urlFilter', () => urlFilter(redacted), '; url.full is the redacted URL');
    if (typeof filtered === 'string') return filtered;
    if (filtered !== HOOK_THREW) this._diag.error(`urlFilter returned ${typeof filtered}, not a string; url.full is the redacted URL`);
    return redactedHref;
  }

  /** The headers of one exchange that the options ask for (all, or the named ones), sensitive ones redacted. */
  private _captureHeaders(state: RequestState, span: Span, sentHeaders: unknown, responseHeaders: unknown): void {
    const { capture } = state;
    const request = capture.headers || capture.requestHeaderNames !== undefined;
    const response = responseHeaders && (capture.headers || capture.responseHeaderNames !== undefined);
    // The default options capture no headers: nothing to allocate for them.
    if (!request && !response) return;
    const found: ScrubbedNote[] = [];
    if (request) capture.requestHeaderCapture.record(span, sentHeaders, found);
    if (response) capture.responseHeaderCapture.record(span, responseHeaders, found);
    this._recordScrubbed(state, span, found);
  }

  /** Adds what scrubbing just redacted to the span's record of it; a span with nothing redacted gets none. */
  private _recordScrubbed(state: RequestState, span: Span, found: ScrubbedNote[]): void {
    if (found.length === 0) return;
    if (state.scrubbedSpan !== span) {
      state.scrubbedSpan = span;
      state.scrubbed = found;
    } else (state.scrubbed as ScrubbedNote[]).push(...found);
    span.setAttribute(state.capture.scrubbedAttribute, JSON.stringify(state.scrubbed));
  }

  /** A body's attributes; `headers` give its content type and declared length. */
  private _captureBody(
    state: RequestState,
    span: Span,
    data: unknown,
    headers: unknown,
    names: BodyAttributeNames,
    decodedByFetch = false
  ): void {
    // No body (a GET): nothing to record, so no headers to look up either.
    if (data === undefined || data === null) return;
    const { capture } = state;
    const contentType = readHeader(headers, 'content-type');
    const found: ScrubbedNote[] = [];
    const attributes = bodyAttributes(
      data,
      contentType,
      readHeader(headers, 'content-length'),
      capture.maxBodyLength,
      names,
      isStillEncoded(readHeader(headers, 'content-encoding'), decodedByFetch),
      capture.scrubBody,
      found
    );
    if (attributes) {
      span.setAttributes(attributes);
      if (capture.logfireJsonHint) this._hintJsonBody(state, span, jsonBodyAttribute(attributes, names, contentType));
    }
    this._recordScrubbed(state, span, found);
  }

  /**
   * Names a body attribute holding JSON in Logfire's JSON-schema hint, which
   * lists every such attribute of the span (the request's and the response's
   * bodies are captured at different times, and a span attribute cannot be read back).
   */
  private _hintJsonBody(state: RequestState, span: Span, jsonAttribute: string | undefined): void {
    if (jsonAttribute === undefined) return;
    if (state.jsonBodiesSpan !== span) {
      state.jsonBodiesSpan = span;
      state.jsonBodies = [];
    }
    (state.jsonBodies as string[]).push(jsonAttribute);
    span.setAttribute(ATTR_LOGFIRE_JSON_SCHEMA, logfireJsonSchema(state.jsonBodies as string[]));
  }

  /** `requireParentforSpans`: a request made outside any span is sent untraced. */
  private _lacksRequiredParent(parentContext: Context): boolean {
    if (this._config.requireParentforSpans !== true) return false;
    const parent = trace.getSpanContext(parentContext);
    return parent === undefined || !isSpanContextValid(parent);
  }

  private _isIgnored(callConfig: AxiosRequestConfig): boolean {
    const { ignoreRequestHook } = this._config;
    return ignoreRequestHook !== undefined && this._runHook('ignoreRequestHook', () => ignoreRequestHook(callConfig), '; the request is traced') === true;
  }

  /**
   * Runs a user callback: a throw or a rejected promise is reported (a throw
   * with `whatFollows`), never passed on. Returns what it returned, or HOOK_THREW.
   */
  private _runHook(name: string, run: () => unknown, whatFollows = ''): unknown {
    let threw = false;
    const result = safeExecuteInTheMiddle(
      run,
      (error, returned) => {
        if (error) {
          threw = true;
          this._diag.error(`${name} threw${whatFollows}`, error);
        } else this._reportRejection(name, returned);
      },
      true
    );
    return threw ? HOOK_THREW : result;
  }

  /** A callback that returned a promise: its rejection is reported, never left unhandled. */
  private _reportRejection(name: string, result: unknown): void {
    // safeExecuteInTheMiddle runs its callback outside its own try, and a thenable's then() is user code too.
    try {
      if (isThenable(result)) result.then(undefined, (reason) => this._diag.error(`${name} rejected`, reason));
    } catch (thenError) {
      this._diag.error(`${name} returned a thenable whose then() threw`, thenError);
    }
  }

  /**
   * Our own work on a request failed: a bug in it must never reach the
   * application, so the per-request steps catch and report here. (Try blocks,
   * not a guard taking a closure: a closure per step costs an allocation or two
   * on every request.)
   */
  _ourFailure(what: string, error: unknown): void {
    this._diag.error(`failed while ${what}`, error);
  }
}
