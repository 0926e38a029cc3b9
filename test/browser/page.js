/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// The page of the browser tests (test/browser/scenarios.ts), set up as the
// README's "Browsers" section says, bundled with the package's browser entry
// (by esbuild, and by webpack, Vite and Rollup in test/browser/bundlers.test.ts).
// It exposes what the tests drive on `window.otel`; every call gives back
// JSON text, read the same way whichever client drives the browser. The trace
// SDK is @opentelemetry/sdk-trace, the same code on the 3.x line and on 2.12+
// of the 2.x line (3.x has no sdk-trace-web).

import axios from 'axios';
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, StackContextManager, TracerProvider } from '@opentelemetry/sdk-trace';
import { AxiosInstrumentation } from 'opentelemetry-instrumentation-axios';

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
context.setGlobalContextManager(new StackContextManager().enable());
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
trace.setGlobalTracerProvider(provider);

const instrumentation = new AxiosInstrumentation();
instrumentation.manuallyInstrument(axios);
const tracer = trace.getTracer('page');

function describeSpan(span) {
  return {
    name: span.name,
    kind: span.kind,
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? span.parentSpanId,
    attributes: span.attributes,
    startEpochMs: span.startTime[0] * 1000 + span.startTime[1] / 1e6,
    durationMs: span.duration[0] * 1000 + span.duration[1] / 1e6,
    status: span.status,
    ended: span.ended,
    events: span.events.map((event) => ({ name: event.name, epochMs: event.time[0] * 1000 + event.time[1] / 1e6 })),
    endEpochMs: span.endTime[0] * 1000 + span.endTime[1] / 1e6,
  };
}

/** The CLIENT spans finished so far. */
function clientSpans() {
  return exporter.getFinishedSpans().filter((span) => span.kind === SpanKind.CLIENT).map(describeSpan);
}

/** What the page threw or left unhandled: the tests expect none. */
const pageErrors = [];
window.addEventListener('error', (event) => pageErrors.push(String(event.message)));
window.addEventListener('unhandledrejection', (event) => pageErrors.push(String(event.reason)));

/** A span whose network phases are followed ends once its timing entry is delivered: wait for that many CLIENT spans. */
async function settledSpans(count) {
  const deadline = Date.now() + 3000;
  while (clientSpans().length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  return clientSpans();
}

/** One axios call, as a page makes it: what the page saw. */
async function call({ url, method = 'get', adapter, data, headers, fetchOptions, abortAfterMs, parent }) {
  const controller = new AbortController();
  const send = () => axios.request({ url, method, adapter, data, headers, fetchOptions, signal: controller.signal });
  const promise = parent ? context.with(trace.setSpan(context.active(), parent), send) : send();
  if (abortAfterMs !== undefined) setTimeout(() => controller.abort(), abortAfterMs);
  try {
    const response = await promise;
    return { status: response.status, data: response.data, headers: { ...response.headers.toJSON() } };
  } catch (error) {
    return { error: { code: error.code, message: error.message, status: error.response?.status } };
  }
}

/** One axios call and the spans it got; `expectSpans` (default 1) is how many CLIENT spans to wait for. */
async function request(options) {
  const parent = options.underParent ? tracer.startSpan('parent') : undefined;
  const outcome = await call({ ...options, parent });
  parent?.end();
  const spans = await settledSpans(options.expectSpans ?? 1);
  return JSON.stringify({ ...outcome, parentSpanId: parent?.spanContext().spanId, spans, pageNow: Date.now() });
}

/** Several axios calls started in one go: what each saw, and the spans. */
async function requestsTogether(list) {
  const outcomes = await Promise.all(list.map((options) => call(options)));
  return JSON.stringify({ outcomes, spans: await settledSpans(list.length) });
}

/** A fresh start for a test: these options, enabled, no spans; `corsPattern` becomes a RegExp in propagateTraceHeaderCorsUrls. */
function reset({ corsPattern, ...config } = {}) {
  if (corsPattern !== undefined) config.propagateTraceHeaderCorsUrls = [new RegExp(corsPattern)];
  instrumentation.setConfig(config);
  instrumentation.enable();
  exporter.reset();
  return JSON.stringify(null);
}

/** The Resource Timing entries the adapters' requests left in the page's buffer. */
function adapterTimingEntries() {
  const entries = performance.getEntriesByType('resource').filter((entry) => ['xmlhttprequest', 'fetch'].includes(entry.initiatorType));
  return JSON.stringify(entries.map((entry) => entry.name));
}

function setEnabled(enabled) {
  if (enabled) instrumentation.enable();
  else instrumentation.disable();
  return JSON.stringify(null);
}

function pageFacts() {
  return JSON.stringify({ process: typeof globalThis.process, Buffer: typeof globalThis.Buffer, errors: pageErrors });
}

window.otel = { request, requestsTogether, reset, adapterTimingEntries, setEnabled, pageFacts };
window.otelReady = true;
