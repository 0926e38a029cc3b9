/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// axios 1.5.0 to 1.6.5 have no `Axios.prototype._request`, so `request` is
// patched instead. The default export was bound to the unpatched `request` when
// axios loaded, which leaves `oldAxios(config)` and `oldAxios.request(config)`
// untraced: a documented gap. Methods that look `request` up at call time
// (`get`, `post`, ...) and instances created after patching are traced.

import * as assert from 'assert';
import { isWrapped } from '@opentelemetry/instrumentation';
import type { InstrumentationModuleDefinition } from '@opentelemetry/instrumentation';
import type { AxiosStatic } from 'axios';

import { assertClientSpan, assertPropagated, onlySpan } from './support/assertions';
import { useTestServer } from './support/suite';
import { finishedSpans, instrumentation, resetInstrumentation } from './support/telemetry';

const OLD_VERSION = '1.6.5';

describe(`older axios (${OLD_VERSION}): request is patched, the default export's own call is not traced`, () => {
  const server = useTestServer();
  let oldAxios: AxiosStatic;
  let definition: InstrumentationModuleDefinition;

  before(async () => {
    // Installed under an alias, which the module-load hook (matching the name
    // 'axios') does not see: patch it the way the hook would.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    oldAxios = require('axios-1.6.5');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    assert.strictEqual(require('axios-1.6.5/package.json').version, OLD_VERSION);
    [definition] = instrumentation.getModuleDefinitions();
    definition.patch?.(oldAxios, OLD_VERSION);
  });

  after(async () => {
    definition.unpatch?.(oldAxios, OLD_VERSION);
    assert.ok(!isWrapped(oldAxios.Axios.prototype.request), 'the old copy is unpatched');
    // unpatch() unwraps every copy of axios the instrumentation knows, the main
    // one too, without the instrumentation knowing it is disabled: re-apply it
    // for the test files that follow. (The old copy stays on the
    // instrumentation's list, so it is wrapped again; nothing calls it.)
    instrumentation.disable();
    instrumentation.enable();
  });

  beforeEach(() => {
    resetInstrumentation();
    server.received.length = 0;
  });

  it('the old copy has no _request, so request itself is wrapped', () => {
    const prototype = oldAxios.Axios.prototype as unknown as Record<string, unknown>;
    assert.strictEqual(prototype._request, undefined);
    assert.ok(isWrapped(prototype.request));
  });

  const traced: Array<[string, (url: string) => Promise<unknown>]> = [
    ['oldAxios.get(url)', (url) => oldAxios.get(url)],
    ['oldAxios.post(url, data)', (url) => oldAxios.post(url, { a: 1 })],
    ['oldAxios.create().get(url)', (url) => oldAxios.create().get(url)],
    ['oldAxios.create()(config)', (url) => oldAxios.create()({ url })],
    ['oldAxios.create().request(config)', (url) => oldAxios.create().request({ url })],
  ];
  for (const [form, call] of traced) {
    it(`${form} is traced: one span, propagated to the server`, async () => {
      const url = server.url('/old/traced');
      await call(url);
      const span = onlySpan();
      assertClientSpan(span, { method: form.includes('post') ? 'POST' : 'GET', url, status: 200 });
      assertPropagated(span, server.last.headers);
    });
  }

  it('a redirect is a span per hop, each with its own traceparent; a redirected hop has no status code, since this axios passes beforeRedirect no response details', async () => {
    await oldAxios.get(server.url('/redirect/2'));
    const spans = finishedSpans();
    assert.strictEqual(spans.length, 3);
    // No status is recorded rather than a guessed one, and no error either: the hops were followed.
    assertClientSpan(spans[0], { method: 'GET', url: server.url('/redirect/2') });
    assertClientSpan(spans[1], { method: 'GET', url: server.url('/redirect/1') });
    assertClientSpan(spans[2], { method: 'GET', url: server.url('/redirect/0'), status: 200 });
    assert.strictEqual(server.received.length, 3);
    spans.forEach((span, hop) => assertPropagated(span, server.received[hop].headers));
  });

  const untraced: Array<[string, (url: string) => Promise<unknown>]> = [
    ['oldAxios(config)', (url) => oldAxios({ url })],
    ['oldAxios(url)', (url) => oldAxios(url)],
    ['oldAxios.request(config)', (url) => oldAxios.request({ url })],
  ];
  for (const [form, call] of untraced) {
    it(`${form} is not traced (the documented gap): no span, no traceparent, and the request still works`, async () => {
      const response = (await call(server.url('/old/untraced'))) as { status: number };
      assert.strictEqual(response.status, 200);
      assert.strictEqual(server.received.length, 1);
      assert.strictEqual(server.last.headers.traceparent, undefined);
      assert.deepStrictEqual(finishedSpans(), []);
    });
  }
});
