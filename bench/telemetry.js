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
  http: { sdk: true, http: true },
  'ours+http': { sdk: true, ours: {}, http: true },
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
    const { AxiosInstrumentation } = require('../dist');
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
  return {
    axios,
    instrumentations,
    inActiveSpan,
    flush: () => (provider ? provider.forceFlush() : Promise.resolve()),
    shutdown: () => (provider ? provider.shutdown() : Promise.resolve()),
  };
}

module.exports = { MODES, setUp };
