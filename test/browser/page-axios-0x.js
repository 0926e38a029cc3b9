/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// The page of test/browser/chromium-axios-0x.test.ts: axios 0.x (installed
// under the alias axios-0.35.0), bundled for the browser, where its default
// adapter is the xhr adapter, handed over with manuallyInstrument(). It exposes
// what the tests drive on `window.otel0x`.

import axios from 'axios-0.35.0';
import { InMemorySpanExporter, SimpleSpanProcessor, WebTracerProvider } from '@opentelemetry/sdk-trace-web';
import { AxiosInstrumentation } from 'opentelemetry-instrumentation-axios';

const exporter = new InMemorySpanExporter();
new WebTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).register();

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

window.otel0x = {
  version: axios.VERSION,
  defaultAdapter: axios.defaults.adapter.name,
  request,
  reset,
  disable: () => instrumentation.disable(),
};
window.otel0xReady = true;
