/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// axios 0.x in the main suite (scripts/test-versions.js runs the smoke suite
// against several 0.x releases). Installed under an alias, which the module
// hook (matching the name 'axios') does not see: it is patched here the way the
// hook patches it, lib/core/Axios.js first, before lib/axios.js binds the
// default export to `request`, then the package.

import * as assert from 'assert';
import { isWrapped } from '@opentelemetry/instrumentation';
import type { InstrumentationModuleDefinition } from '@opentelemetry/instrumentation';
import { ATTR_HTTP_REQUEST_RESEND_COUNT } from '@opentelemetry/semantic-conventions';
import type { AxiosRequestConfig, AxiosStatic } from 'axios';

import { assertClientSpan, assertPropagated, onlySpan } from './support/assertions';
import { useTestServer } from './support/suite';
import { finishedSpans, instrumentation, resetInstrumentation } from './support/telemetry';

const VERSION = '0.35.0';
const PACKAGE = `axios-${VERSION}`;

describe(`axios 0.x (${VERSION}), patched as the module hook patches it`, () => {
  const server = useTestServer();
  let axios0x: AxiosStatic;
  let axiosClass: unknown;
  let definition: InstrumentationModuleDefinition;

  before(() => {
    [definition] = instrumentation.getModuleDefinitions();
    const [coreFile] = definition.files;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    axiosClass = require(`${PACKAGE}/lib/core/Axios.js`);
    coreFile.patch(axiosClass, VERSION);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    axios0x = require(PACKAGE);
    assert.strictEqual(axios0x.VERSION, VERSION);
    definition.patch?.(axios0x, VERSION);
  });

  after(() => {
    definition.files[0].unpatch(axiosClass, VERSION);
    assert.ok(!isWrapped(axios0x.Axios.prototype.request), 'the 0.x copy is unpatched');
    // unpatch() unwraps every copy the instrumentation knows: re-apply it for the test files that follow.
    instrumentation.disable();
    instrumentation.enable();
  });

  beforeEach(() => {
    resetInstrumentation();
    server.received.length = 0;
  });

  it('has no getAdapter and no _request: request itself is wrapped, and the default adapter is the http adapter function', () => {
    assert.strictEqual((axios0x as { getAdapter?: unknown }).getAdapter, undefined);
    assert.strictEqual((axios0x.Axios.prototype as unknown as Record<string, unknown>)._request, undefined);
    assert.ok(isWrapped(axios0x.Axios.prototype.request));
    assert.strictEqual((axios0x.defaults.adapter as { name?: string }).name, 'httpAdapter');
  });

  const forms: Array<[string, (url: string) => Promise<unknown>]> = [
    ['axios(config)', (url) => axios0x({ url })],
    ['axios(url)', (url) => axios0x(url)],
    ['axios.request(config)', (url) => axios0x.request({ url })],
    ['axios.get(url)', (url) => axios0x.get(url)],
    ['axios.create().get(url)', (url) => axios0x.create().get(url)],
    ['new axios.Axios(defaults).get(url)', (url) => new axios0x.Axios(axios0x.defaults as AxiosRequestConfig).get(url)],
  ];
  for (const [form, call] of forms) {
    it(`${form}: one span, propagated (the default export binds the patched request)`, async () => {
      const url = server.url('/0x');
      await call(url);
      const span = onlySpan();
      assertClientSpan(span, { method: 'GET', url, status: 200 });
      assertPropagated(span, server.last.headers);
    });
  }

  it('a redirect is a span per hop, each propagated, though this axios hands beforeRedirect only the next hop', async () => {
    await axios0x.get(server.url('/redirect/1'));
    const spans = finishedSpans();
    assert.strictEqual(spans.length, 2);
    assertClientSpan(spans[0], { method: 'GET', url: server.url('/redirect/1') });
    assertClientSpan(spans[1], { method: 'GET', url: server.url('/redirect/0'), status: 200 });
    assert.deepStrictEqual(spans.map((span) => span.attributes[ATTR_HTTP_REQUEST_RESEND_COUNT]), [undefined, 1]);
    assertPropagated(spans[0], server.received[0].headers);
    assertPropagated(spans[1], server.received[1].headers);
  });

  it('an adapter of its own (a function, as 0.x adapters are) is used, and traced', async () => {
    const calls: string[] = [];
    const httpAdapter = axios0x.defaults.adapter as (config: unknown) => Promise<unknown>;
    const response = await axios0x.get(server.url('/own-adapter'), {
      adapter: (config) => {
        calls.push(String(config.url));
        return httpAdapter(config) as never;
      },
    });
    assert.strictEqual(response.status, 200);
    assert.deepStrictEqual(calls, [server.url('/own-adapter')]);
    assertPropagated(onlySpan(), server.last.headers);
  });

  it('disabled, the default export (which keeps the wrapper it was bound to) sends untraced; enabled, traced again', async () => {
    instrumentation.disable();
    try {
      await axios0x({ url: server.url('/off') });
      assert.deepStrictEqual(finishedSpans(), []);
      assert.strictEqual(server.last.headers.traceparent, undefined);
    } finally {
      instrumentation.enable();
    }
    await axios0x({ url: server.url('/on') });
    assertPropagated(onlySpan(), server.last.headers);
  });
});
