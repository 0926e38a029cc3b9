'use strict';
// Sets up one benchmark mode in this process: the SDK (or none), the
// instrumentations, and axios loaded after them.

const { context, propagation, trace } = require('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { W3CTraceContextPropagator } = require('@opentelemetry/core');
const { BasicTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');

/** Receives every span and keeps none, so export cost does not blur the figures. */
const droppingExporter = {
  export(spans, done) {
    done({ code: 0 });
  },
  shutdown() {
    return Promise.resolve();
  },
};

const MODES = {
  plain: { sdk: false },
  baseline: { sdk: true },
  ours: { sdk: true, ours: {} },
  'ours-capture-all': { sdk: true, ours: { captureAll: true } },
  // `scrubbing: false` turns off the scrubbing of captured bodies only: what
  // scrubbing costs is the difference from ours-capture-all.
  'ours-capture-all-unscrubbed': { sdk: true, ours: { captureAll: true, scrubbing: false } },
  http: { sdk: true, http: true },
  'ours+http': { sdk: true, ours: {}, http: true },
  // A reference point, not a product: one CLIENT span made by hand around each
  // call, active while axios runs, with nothing captured and nothing injected.
  'manual-span': { sdk: true, manualSpan: true },
  // The floor of any instrumentation that propagates: the same hand-made span,
  // and `traceparent` injected by a synchronous axios request interceptor
  // (synchronous, so that the interceptor adds no promise stage of its own).
  'span-inject': { sdk: true, manualSpan: true, inject: true },
};

function setUp(modeName) {
  const mode = MODES[modeName];
  if (!mode) throw new Error(`unknown mode ${modeName}; known: ${Object.keys(MODES).join(', ')}`);
  const instrumentations = [];
  let provider;
  if (mode.sdk) {
    provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(droppingExporter)] });
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(provider);
  }
  if (mode.ours) {
    // BENCH_DIST compares another build (a copy of dist/ from an earlier commit, say).
    const { AxiosInstrumentation } = require(process.env.BENCH_DIST || '../dist');
    instrumentations.push(new AxiosInstrumentation(mode.ours));
  }
  if (mode.http) {
    const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
    instrumentations.push(new HttpInstrumentation());
  }
  for (const instrumentation of instrumentations) instrumentation.setTracerProvider(provider);
  const axios = require('axios');
  /** Runs fn inside an active span, as a request handler of a traced service would. */
  const inActiveSpan = mode.sdk
    ? (fn) => {
        const parent = provider.getTracer('bench').startSpan('parent');
        return context.with(trace.setSpan(context.active(), parent), fn).finally(() => parent.end());
      }
    : (fn) => fn();
  let wrapCall = (call) => call();
  // The hand-made modes' switch, for the toggled blocks: off, the calls go out bare.
  let manualOn = true;
  if (mode.manualSpan) {
    const { SpanKind } = require('@opentelemetry/api');
    const tracer = provider.getTracer('manual');
    wrapCall = (call) =>
      manualOn
        ? tracer.startActiveSpan('GET', { kind: SpanKind.CLIENT }, (span) => call().finally(() => span.end()))
        : call();
  }
  /** Called on each axios instance the bench makes. */
  const decorate = mode.inject
    ? (instance) => {
        const { defaultTextMapSetter } = require('@opentelemetry/api');
        instance.interceptors.request.use(
          (config) => {
            if (manualOn) propagation.inject(context.active(), config.headers, defaultTextMapSetter);
            return config;
          },
          undefined,
          { synchronous: true }
        );
      }
    : () => {};
  const setEnabled = (on) => {
    manualOn = on;
    instrumentations.forEach((instrumentation) => (on ? instrumentation.enable() : instrumentation.disable()));
  };
  return {
    axios,
    decorate,
    instrumentations,
    setEnabled,
    /** Whether the mode has something to switch off (toggled blocks need it). */
    toggles: instrumentations.length > 0 || Boolean(mode.manualSpan),
    wrapCall,
    inActiveSpan,
    flush: () => (provider ? provider.forceFlush() : Promise.resolve()),
    shutdown: () => (provider ? provider.shutdown() : Promise.resolve()),
  };
}

module.exports = { MODES, setUp };
