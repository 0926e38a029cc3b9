/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// manuallyInstrument(axios): the entry point for a copy of axios that no
// module-load hook sees (bundled, browsers, ESM on Bun and Deno).

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { diag, DiagLogger, DiagLogLevel } from '@opentelemetry/api';
import { isWrapped, registerInstrumentations } from '@opentelemetry/instrumentation';
import { ATTR_HTTP_REQUEST_HEADER } from '@opentelemetry/semantic-conventions';
import type { AxiosStatic } from 'axios';

import { AxiosInstrumentation } from '../lib';
import { assertClientSpan, assertPropagated, onlySpan } from './support/assertions';
import { useTestServer } from './support/suite';
import { axios, finishedSpans, instrumentation, provider, resetInstrumentation } from './support/telemetry';

/**
 * A second copy of axios' CommonJS build, compiled from its file without
 * `require`, so that no module-load hook sees it: what a bundler's inlined
 * copy looks like to the instrumentation.
 */
function unhookedAxiosCopy(): AxiosStatic {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Module = require('module') as {
    new (id: string, parent?: NodeModule): NodeModule & { _compile(source: string, file: string): void };
    _nodeModulePaths(dir: string): string[];
  };
  const file = require.resolve('axios');
  const copy = new Module(`${file}#unhooked`, module);
  copy.filename = file;
  copy.paths = Module._nodeModulePaths(path.dirname(file));
  copy._compile(fs.readFileSync(file, 'utf8'), file);
  return copy.exports as AxiosStatic;
}

class WarningLogger implements DiagLogger {
  readonly warnings: string[] = [];
  warn = (...args: unknown[]) => void this.warnings.push(args.join(' '));
  error = () => {};
  info = () => {};
  debug = () => {};
  verbose = () => {};
}

describe('manuallyInstrument(): a copy of axios that no module hook sees', () => {
  const server = useTestServer();
  let copy: AxiosStatic;
  beforeEach(() => {
    resetInstrumentation();
    copy = unhookedAxiosCopy();
  });
  afterEach(() => instrumentation.enable());

  async function requestCount(client: AxiosStatic, requestPath = '/manual'): Promise<number> {
    const before = finishedSpans().length;
    await client.get(server.url(requestPath));
    return finishedSpans().length - before;
  }

  it('the copy is really unseen: without the call, no span and no traceparent', async () => {
    assert.notStrictEqual(copy.Axios, axios.Axios);
    assert.strictEqual(await requestCount(copy), 0);
    assert.strictEqual(server.last.headers.traceparent, undefined);
  });

  it('traces every call form of the copy, with the span propagated', async () => {
    instrumentation.manuallyInstrument(copy);
    await copy.get(server.url('/get'));
    assertPropagated(onlySpan(), server.last.headers);
    assertClientSpan(onlySpan(), { method: 'GET', url: server.url('/get'), status: 200 });
    await copy({ url: server.url('/call') });
    await copy.create({ baseURL: server.url('/') }).post('created', { a: 1 });
    assert.strictEqual(finishedSpans().length, 3);
  });

  it('twice for the same copy, or for the copy the hook patched: still one span per request', async () => {
    instrumentation.manuallyInstrument(copy);
    instrumentation.manuallyInstrument(copy);
    instrumentation.manuallyInstrument(axios);
    instrumentation.manuallyInstrument({ default: copy });
    assert.strictEqual(await requestCount(copy), 1);
    assert.strictEqual(await requestCount(axios), 1);
  });

  it('disable(), enable() and setConfig() reach the copy', async () => {
    instrumentation.manuallyInstrument(copy);
    instrumentation.disable();
    assert.ok(!isWrapped(copy.Axios.prototype.request) && !isWrapped((copy.Axios.prototype as unknown as { _request: unknown })._request));
    assert.strictEqual(await requestCount(copy), 0);
    assert.strictEqual(server.last.headers.traceparent, undefined);
    instrumentation.enable();
    assert.strictEqual(await requestCount(copy), 1);
    resetInstrumentation({ captureHeaders: true });
    await copy.get(server.url('/headers'), { headers: { 'x-app': 'one' } });
    assert.deepStrictEqual(onlySpan().attributes[ATTR_HTTP_REQUEST_HEADER('x-app')], ['one']);
  });

  it('called while disabled, the copy is patched when the instrumentation is enabled', async () => {
    instrumentation.disable();
    instrumentation.manuallyInstrument(copy);
    assert.strictEqual(await requestCount(copy), 0);
    instrumentation.enable();
    assert.strictEqual(await requestCount(copy), 1);
  });

  for (const [label, notAxios] of [
    ['an empty object', {}],
    ['null', null],
    ['undefined', undefined],
    ['a function', () => undefined],
    ['an object with a non-axios Axios', { Axios: class {}, getAdapter: 1 }],
  ] as const) {
    it(`${label}: a diag warning, and nothing changes`, async () => {
      const logger = new WarningLogger();
      diag.setLogger(logger, DiagLogLevel.WARN);
      try {
        assert.doesNotThrow(() => instrumentation.manuallyInstrument(notAxios));
      } finally {
        diag.disable();
      }
      assert.strictEqual(logger.warnings.length, 1);
      assert.match(logger.warnings[0], /not axios/);
      assert.strictEqual(await requestCount(axios), 1);
      assert.strictEqual(await requestCount(copy), 0);
    });
  }

  describe('a second instrumentation, as an application sets one up', () => {
    let own: AxiosInstrumentation | undefined;
    beforeEach(() => instrumentation.disable());
    afterEach(() => {
      own?.disable();
      own = undefined;
    });

    it('called before registerInstrumentations() (constructed disabled): traced once registered', async () => {
      own = new AxiosInstrumentation({ enabled: false });
      own.manuallyInstrument(copy);
      assert.strictEqual(await requestCount(copy), 0);
      const unregister = registerInstrumentations({ instrumentations: [own], tracerProvider: provider });
      assert.strictEqual(await requestCount(copy), 1);
      assertPropagated(onlySpan(), server.last.headers);
      unregister();
      assert.strictEqual(await requestCount(copy), 0);
    });

    it('called after registerInstrumentations(): traced at once', async () => {
      own = new AxiosInstrumentation();
      registerInstrumentations({ instrumentations: [own], tracerProvider: provider });
      assert.strictEqual(await requestCount(copy), 0);
      own.manuallyInstrument(copy);
      assert.strictEqual(await requestCount(copy), 1);
      assertPropagated(onlySpan(), server.last.headers);
    });
  });
});
