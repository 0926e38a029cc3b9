/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// axios 0.x in a real headless Chromium: its xhr adapter, chosen when axios
// loads, with the copy handed over through manuallyInstrument() (the page:
// test/browser/page-axios-0x.js), against one same-origin loopback server.
// Needs Chromium, as chromium.test.ts does (CHROMIUM_PATH, default /usr/bin/chromium).

import * as assert from 'assert';

import { defaultHandler, TestServer } from '../support/server';
import { bundleBrowserPage } from './bundle';
import { BrowserPage, chromiumEngine, missingExecutables } from './engines';
import { pageHandler } from './scenarios';
const SPAN_STATUS_ERROR = 2;

interface Outcome {
  status?: number;
  sentByXhr?: boolean;
  error?: { code?: string; cancelled: boolean; status?: number };
  spans: Array<{ traceId: string; spanId: string; attributes: Record<string, unknown>; status: { code: number }; ended: boolean }>;
}

async function bundlePage(): Promise<string> {
  const { text, inputs } = await bundleBrowserPage('page-axios-0x.js');
  assert.ok(inputs.includes('node_modules/axios-0.35.0/lib/adapters/xhr.js'), "the page bundles axios 0.x's xhr adapter");
  assert.ok(!inputs.includes('node_modules/axios-0.35.0/lib/adapters/http.js'), 'and not its http adapter');
  return text;
}

describe('axios 0.x in a real browser (headless Chromium): the xhr adapter, through manuallyInstrument()', function () {
  this.timeout(60000);

  let server: TestServer;
  let page: BrowserPage;
  let caseNumber = 0;

  before(async () => {
    const missing = missingExecutables(chromiumEngine);
    assert.deepStrictEqual(missing, [], `${chromiumEngine.name} needs ${missing.join(', ')}`);
    const bundle = await bundlePage();
    server = await TestServer.start(
      pageHandler(bundle, (req, res, body) => {
        // Never answered: the tests cancel it.
        if (!req.url?.startsWith('/hang')) defaultHandler(req, res, body);
      })
    );
    page = await chromiumEngine.open(server.url('/'));
  });

  after(async () => {
    await page?.close();
    await server?.close();
  });

  const reset = (config: Record<string, unknown> = {}) => page.call('reset', config);
  const request = (options: Record<string, unknown>): Promise<Outcome> =>
    page.call<Outcome>('request', options);
  const newPath = (route = '/echo') => `${route}?case=${(caseNumber += 1)}`;
  const sentTo = (requestPath: string) => server.received.filter((entry) => entry.path === requestPath);

  function onlySpan(outcome: Outcome): Outcome['spans'][number] {
    assert.strictEqual(outcome.spans.length, 1, `expected one span, got ${outcome.spans.length}`);
    assert.ok(outcome.spans[0].ended);
    return outcome.spans[0];
  }

  it('the page runs axios 0.35.0, whose default adapter in a browser is the xhr adapter', async () => {
    const facts = await page.call<{ version: string; adapter: string }>('pageFacts');
    assert.deepStrictEqual(facts, { version: '0.35.0', adapter: 'xhrAdapter' });
  });

  for (const form of ['get', 'instance'] as const) {
    it(`${form === 'get' ? 'axios.get' : 'axios.create().get'}, a relative URL: one span, url.full resolved against the page, traceparent sent by xhr`, async () => {
      await reset();
      const requestPath = newPath();
      const outcome = await request({ form, url: requestPath });
      assert.strictEqual(outcome.status, 200);
      assert.strictEqual(outcome.sentByXhr, true);
      const span = onlySpan(outcome);
      assert.strictEqual(span.attributes['url.full'], server.url(requestPath));
      assert.strictEqual(span.attributes['http.response.status_code'], 200);
      const [sent] = sentTo(requestPath);
      assert.strictEqual(sent.headers.traceparent, `00-${span.traceId}-${span.spanId}-01`);
    });
  }

  it('the default export called itself is bound at load, out of reach of manuallyInstrument() (the documented gap): no span, no traceparent', async () => {
    await reset();
    const requestPath = newPath();
    const outcome = await request({ form: 'defaultExport', url: requestPath });
    assert.strictEqual(outcome.status, 200);
    assert.deepStrictEqual(outcome.spans, []);
    assert.strictEqual(sentTo(requestPath)[0].headers.traceparent, undefined);
  });

  it('captureAll: the JSON body scrubbed, headers captured with authorization redacted', async () => {
    await reset({ captureAll: true });
    const requestPath = newPath();
    const outcome = await request({
      form: 'post',
      url: requestPath,
      data: { user: 'ann', password: 'hunter2' },
      headers: { authorization: 'Bearer secret-token', 'x-note': 'kept' },
    });
    const { attributes } = onlySpan(outcome);
    assert.strictEqual(attributes['http.request.body.content'], '{"user":"ann","password":"[REDACTED]"}');
    assert.deepStrictEqual(attributes['http.request.header.authorization'], ['[REDACTED]']);
    assert.deepStrictEqual(attributes['http.request.header.x-note'], ['kept']);
    assert.match(String(attributes['http.response.body.content']), /"method":"POST"/);
    assert.strictEqual(sentTo(requestPath)[0].body.toString('utf8'), '{"user":"ann","password":"hunter2"}');
  });

  it("a 500: an ERROR span with error.type '500'", async () => {
    await reset();
    const outcome = await request({ url: newPath('/status/500') });
    assert.strictEqual(outcome.error?.status, 500);
    const span = onlySpan(outcome);
    assert.strictEqual(span.status.code, SPAN_STATUS_ERROR);
    assert.strictEqual(span.attributes['error.type'], '500');
  });

  for (const cancel of ['token', 'signal'] as const) {
    it(`cancelled in flight by ${cancel === 'token' ? 'a CancelToken' : 'an AbortSignal'}: the span ends with error.type ERR_CANCELED, status UNSET`, async () => {
      await reset();
      const outcome = await request({ url: newPath('/hang'), cancel });
      assert.strictEqual(outcome.error?.cancelled, true);
      const span = onlySpan(outcome);
      assert.strictEqual(span.attributes['error.type'], 'ERR_CANCELED');
      assert.strictEqual(span.status.code, 0);
    });
  }

  it('disable(): no span and no traceparent; enable(): both again', async () => {
    await page.call('disable');
    const offPath = newPath();
    assert.deepStrictEqual((await request({ url: offPath })).spans, []);
    assert.strictEqual(sentTo(offPath)[0].headers.traceparent, undefined);
    await reset();
    const onPath = newPath();
    const span = onlySpan(await request({ url: onPath }));
    assert.strictEqual(sentTo(onPath)[0].headers.traceparent, `00-${span.traceId}-${span.spanId}-01`);
  });
});
