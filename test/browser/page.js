/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// The page of the browser tests (test/browser/chromium.test.ts), set up as the
// README's "Browsers" section says, bundled by esbuild with the package's
// browser entry. It exposes what the tests drive on `window.otel`. The trace
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
  };
}

/** The CLIENT spans finished so far. */
function clientSpans() {
  return exporter.getFinishedSpans().filter((span) => span.kind === SpanKind.CLIENT).map(describeSpan);
}

/** One axios call, as a page makes it; what the page saw and the spans it got. */
async function request({ url, method = 'get', adapter, data, headers, abortAfterMs, underParent }) {
  const controller = new AbortController();
  const call = () => axios.request({ url, method, adapter, data, headers, signal: controller.signal });
  const parent = underParent ? tracer.startSpan('parent') : undefined;
  const promise = parent ? context.with(trace.setSpan(context.active(), parent), call) : call();
  if (abortAfterMs !== undefined) setTimeout(() => controller.abort(), abortAfterMs);
  let outcome;
  try {
    const response = await promise;
    outcome = { status: response.status, data: response.data, headers: { ...response.headers.toJSON() } };
  } catch (error) {
    outcome = { error: { code: error.code, message: error.message, status: error.response?.status } };
  }
  parent?.end();
  return { ...outcome, parentSpanId: parent?.spanContext().spanId, spans: clientSpans(), pageNow: Date.now() };
}

/** A fresh start for a test: these options, enabled, no spans. */
function reset(config = {}) {
  instrumentation.setConfig(config);
  instrumentation.enable();
  exporter.reset();
}

window.otel = { axios, instrumentation, request, reset, clientSpans };
window.otelReady = true;
