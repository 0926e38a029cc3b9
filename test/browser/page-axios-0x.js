/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// The page of test/browser/chromium-axios-0x.test.ts: axios 0.x (installed
// under the alias axios-0.35.0), bundled for the browser, where its default
// adapter is the xhr adapter, handed over with manuallyInstrument(). It exposes
// what the tests drive on `window.otel`.

import axios from 'axios-0.35.0';
import { context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
// @opentelemetry/sdk-trace: the same code on the 3.x line and on 2.12+ of the 2.x line (3.x has no sdk-trace-web).
import { InMemorySpanExporter, SimpleSpanProcessor, StackContextManager, TracerProvider } from '@opentelemetry/sdk-trace';
import { AxiosInstrumentation } from 'opentelemetry-instrumentation-axios';

const exporter = new InMemorySpanExporter();
context.setGlobalContextManager(new StackContextManager().enable());
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }));

const instrumentation = new AxiosInstrumentation();
instrumentation.manuallyInstrument(axios);

/** How each test calls axios; `cancel` is 'token' (CancelToken) or 'signal' (AbortController), 200 ms in. */
const FORMS = {
  get: (url, config) => axios.get(url, config),
  post: (url, config) => axios.post(url, config.data, config),
  instance: (url, config) => axios.create().get(url, config),
  defaultExport: (url, config) => axios({ url, ...config }),
};

async function request({ form = 'get', url, data, headers, cancel }) {
  exporter.reset();
  const config = { data, headers };
  if (cancel === 'token') {
    const source = axios.CancelToken.source();
    config.cancelToken = source.token;
    setTimeout(() => source.cancel('too slow'), 200);
  } else if (cancel === 'signal') {
    const controller = new AbortController();
    config.signal = controller.signal;
    setTimeout(() => controller.abort(), 200);
  }
  let outcome;
  try {
    const response = await FORMS[form](url, config);
    outcome = { status: response.status, sentByXhr: response.request instanceof XMLHttpRequest };
  } catch (error) {
    outcome = { error: { code: error.code, cancelled: axios.isCancel(error), status: error.response?.status } };
  }
  const spans = exporter.getFinishedSpans().map((span) => ({
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    attributes: span.attributes,
    status: span.status,
    ended: span.ended,
  }));
  return { ...outcome, spans };
}

function reset(config = {}) {
  instrumentation.setConfig(config);
  instrumentation.enable();
}

// As test/browser/page.js: driven through test/browser/engines.ts, every call gives back JSON text.
window.otel = {
  pageFacts: () => JSON.stringify({ version: axios.VERSION, adapter: axios.defaults.adapter.name }),
  request: async (options) => JSON.stringify(await request(options)),
  reset: (config) => {
    reset(config);
    return 'null';
  },
  disable: () => {
    instrumentation.disable();
    return 'null';
  },
};
window.otelReady = true;
