/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import * as assert from 'assert';
import { context, trace } from '@opentelemetry/api';
import type { AxiosInstance, AxiosRequestConfig } from 'axios';

import { assertClientSpan, assertPropagated, onlySpan } from './support/assertions';
import { useTestServer } from './support/suite';
import { axios, finishedSpans, resetInstrumentation, tracer } from './support/telemetry';

describe('call forms: every way of calling axios makes exactly one span', () => {
  const server = useTestServer();
  beforeEach(() => resetInstrumentation());

  const forms: Array<[string, string, (url: string) => Promise<unknown>]> = [
    ['axios(config)', 'GET', (url) => axios({ url })],
    ['axios(url)', 'GET', (url) => axios(url)],
    ['axios(url, config)', 'POST', (url) => axios(url, { method: 'post', data: { a: 1 } })],
    ['axios.request', 'GET', (url) => axios.request({ url })],
    ['axios.get', 'GET', (url) => axios.get(url)],
    ['axios.post', 'POST', (url) => axios.post(url, { a: 1 })],
    ['axios.put', 'PUT', (url) => axios.put(url, 'text')],
    ['axios.patch', 'PATCH', (url) => axios.patch(url, { a: 1 })],
    ['axios.delete', 'DELETE', (url) => axios.delete(url)],
    ['axios.head', 'HEAD', (url) => axios.head(url)],
    ['axios.options', 'OPTIONS', (url) => axios.options(url)],
    ['axios.postForm', 'POST', (url) => axios.postForm(url, { a: '1' })],
    ['axios.create().get', 'GET', (url) => axios.create().get(url)],
    ['axios.create() called', 'GET', (url) => (axios.create() as AxiosInstance)({ url })],
    ['axios.create().create().request', 'GET', (url) => axios.create().create().request({ url })],
    ['new axios.Axios(defaults).request', 'GET', (url) => new axios.Axios(axios.defaults as AxiosRequestConfig).request({ url })],
    ['new axios.Axios(defaults).get', 'GET', (url) => new axios.Axios(axios.defaults as AxiosRequestConfig).get(url)],
  ];

  for (const [form, method, call] of forms) {
    it(`${form}: one ${method} span, propagated to the server`, async () => {
      const url = server.url('/form');
      await call(url);
      const span = onlySpan();
      assertClientSpan(span, { method, url, status: 200 });
      assertPropagated(span, server.last.headers);
    });
  }

  it('the parent is the context active when the request was made', async () => {
    const parent = tracer.startSpan('parent');
    await context.with(trace.setSpan(context.active(), parent), () => axios.get(server.url('/child')));
    parent.end();
    const [child] = finishedSpans().filter((span) => span.name === 'GET');
    assert.strictEqual(child.parentSpanContext?.spanId, parent.spanContext().spanId);
    assert.strictEqual(child.spanContext().traceId, parent.spanContext().traceId);
  });
});
