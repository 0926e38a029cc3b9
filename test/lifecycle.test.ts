/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { isWrapped } from '@opentelemetry/instrumentation';
import {
  ATTR_HTTP_REQUEST_HEADER,
  ATTR_HTTP_RESPONSE_HEADER,
  ATTR_URL_FULL,
} from '@opentelemetry/semantic-conventions';

import { SUPPORTED_AXIOS_VERSIONS } from '../lib';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../lib/version';
import { assertClientSpan, assertPropagated, onlySpan } from './support/assertions';
import { defaultHandler, TestServer } from './support/server';
import { useInstrumentation, useTestServer } from './support/suite';
import { axios, finishedSpans, instrumentation, resetInstrumentation } from './support/telemetry';

// The compiled test runs from <outDir>/test, so the package root is two levels up.
const packageRoot = path.resolve(__dirname, '..', '..');

function readPackageJson(relativeTo: string): { name: string; version: string } {
  return JSON.parse(fs.readFileSync(path.join(relativeTo, 'package.json'), 'utf8'));
}

describe('life cycle: disable(), enable() and setConfig() at run time', () => {
  const server = useTestServer();
  useInstrumentation();

  /** One request: asserts that it made no span and carried no trace context. */
  async function assertUntraced(url: string): Promise<void> {
    const before = finishedSpans().length;
    const response = await axios.get(url);
    assert.strictEqual(response.status, 200);
    assert.strictEqual(finishedSpans().length, before, 'a disabled instrumentation makes no span');
    assert.strictEqual(server.last.headers.traceparent, undefined, 'a disabled instrumentation injects no traceparent');
  }

  /** One request: asserts that it made exactly one more span, propagated to the server. */
  async function assertTraced(url: string): Promise<void> {
    const before = finishedSpans().length;
    await axios.get(url);
    const spans = finishedSpans();
    assert.strictEqual(spans.length, before + 1, 'an enabled instrumentation makes exactly one span per request');
    const span = spans[spans.length - 1];
    assertClientSpan(span, { method: 'GET', url, status: 200 });
    assertPropagated(span, server.last.headers);
  }

  it('disable() stops tracing: no span and no traceparent at the server', async () => {
    instrumentation.disable();
    await assertUntraced(server.url('/disabled'));
    assert.deepStrictEqual(finishedSpans(), []);
  });

  it('enable() after disable() traces again: exactly one span per request', async () => {
    instrumentation.disable();
    await assertUntraced(server.url('/off'));
    instrumentation.enable();
    await assertTraced(server.url('/on'));
    await assertTraced(server.url('/on-again'));
    assert.strictEqual(finishedSpans().length, 2);
  });

  it('disable() and enable() toggled ten times give a span exactly for the requests made while enabled', async () => {
    for (let round = 0; round < 10; round += 1) {
      instrumentation.disable();
      await assertUntraced(server.url(`/off/${round}`));
      instrumentation.enable();
      await assertTraced(server.url(`/on/${round}`));
    }
    const paths = finishedSpans().map((span) => new URL(String(span.attributes[ATTR_URL_FULL])).pathname);
    assert.deepStrictEqual(paths, Array.from({ length: 10 }, (_, round) => `/on/${round}`));
  });

  it('enable() called twice does not wrap axios twice: still one span per request', async () => {
    instrumentation.enable();
    instrumentation.enable();
    await axios.get(server.url('/twice'));
    assertClientSpan(onlySpan(), { method: 'GET', url: server.url('/twice'), status: 200 });
  });

  it('setConfig() takes effect on the next request: captureHeaders off, on, then off again', async () => {
    const requestHeader = ATTR_HTTP_REQUEST_HEADER('x-probe');
    const responseHeader = ATTR_HTTP_RESPONSE_HEADER('content-type');
    const headersOf = async () => {
      const before = finishedSpans().length;
      await axios.get(server.url('/config'), { headers: { 'x-probe': 'probe-value' } });
      const spans = finishedSpans();
      assert.strictEqual(spans.length, before + 1);
      const { attributes } = spans[spans.length - 1];
      return { request: attributes[requestHeader], response: attributes[responseHeader] };
    };

    instrumentation.setConfig({ captureHeaders: false });
    assert.deepStrictEqual(await headersOf(), { request: undefined, response: undefined });

    instrumentation.setConfig({ captureHeaders: true });
    assert.deepStrictEqual(await headersOf(), {
      request: ['probe-value'],
      response: ['application/json; charset=utf-8'],
    });

    instrumentation.setConfig({});
    assert.deepStrictEqual(await headersOf(), { request: undefined, response: undefined });
  });

  it('setConfig() replaces hooks: the next request runs the new requestHook, not the old one', async () => {
    const calls: string[] = [];
    instrumentation.setConfig({ requestHook: () => calls.push('first') });
    await axios.get(server.url('/hook/1'));
    instrumentation.setConfig({ requestHook: () => calls.push('second') });
    await axios.get(server.url('/hook/2'));
    assert.deepStrictEqual(calls, ['first', 'second']);
    assert.strictEqual(finishedSpans().length, 2);
  });

  describe('a request in flight when disable() is called', () => {
    let arrived: () => void = () => undefined;
    const waiting: Array<() => void> = [];
    // Holds every response until the test releases it, so the request is
    // certainly in flight when disable() runs (no timing involved).
    const held = useTestServer((req, res, body) => {
      waiting.push(() => defaultHandler(req, res, body));
      arrived();
    });

    it('still ends its span, with the response, and later requests are untraced', async () => {
      const arrival = new Promise<void>((resolve) => {
        arrived = resolve;
      });
      const url = held.url('/in-flight');
      const call = axios.get(url);
      await arrival;
      instrumentation.disable();
      for (const release of waiting.splice(0)) release();
      const response = await call;

      assert.strictEqual(response.status, 200);
      const span = onlySpan();
      assertClientSpan(span, { method: 'GET', url, status: 200 });
      assertPropagated(span, held.last.headers);

      await assertUntraced(server.url('/after-disable'));
      assert.strictEqual(finishedSpans().length, 1);
    });
  });
});

describe('identity: the names and versions the instrumentation reports', () => {
  beforeEach(() => resetInstrumentation());

  it('PACKAGE_NAME and PACKAGE_VERSION in lib/version.ts equal package.json', () => {
    const packageJson = readPackageJson(packageRoot);
    assert.strictEqual(PACKAGE_VERSION, packageJson.version);
    assert.strictEqual(PACKAGE_NAME, packageJson.name);
  });

  it('instrumentationName and instrumentationVersion are the package name and version', () => {
    const packageJson = readPackageJson(packageRoot);
    assert.strictEqual(instrumentation.instrumentationName, packageJson.name);
    assert.strictEqual(instrumentation.instrumentationVersion, packageJson.version);
  });

  it('spans carry the package name and version as their instrumentation scope', async () => {
    const server = await TestServer.start();
    try {
      await axios.get(server.url('/scope'));
    } finally {
      await server.close();
    }
    const { instrumentationScope } = onlySpan();
    assert.strictEqual(instrumentationScope.name, PACKAGE_NAME);
    assert.strictEqual(instrumentationScope.version, PACKAGE_VERSION);
  });

  it('the module definition targets axios with the declared supported range, which covers the installed axios', () => {
    const definitions = instrumentation.getModuleDefinitions();
    assert.strictEqual(definitions.length, 1);
    const [definition] = definitions;
    const installed = readPackageJson(path.dirname(require.resolve('axios/package.json'))).version;

    assert.strictEqual(definition.name, 'axios');
    assert.deepStrictEqual(definition.supportedVersions, SUPPORTED_AXIOS_VERSIONS);
    assert.deepStrictEqual(SUPPORTED_AXIOS_VERSIONS, ['>=0.21.4 <1', '>=1.5.0 <2']);
    // axios 0.x binds its default export to `request` when lib/axios.js runs: its core file is patched first.
    assert.deepStrictEqual(
      definition.files.map((file) => [file.name, file.supportedVersions]),
      [['axios/lib/core/Axios.js', ['>=0.21.4 <1']]]
    );
    // semver comes with @opentelemetry/instrumentation, which uses it for this very check.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const semver: { satisfies(version: string, range: string): boolean } = require('semver');
    assert.ok(
      definition.supportedVersions.some((range) => semver.satisfies(installed, range)),
      `axios ${installed} is outside ${definition.supportedVersions.join(' || ')}`
    );
    // The load hook patches only a supported version: the wrapper is the proof it did.
    assert.ok(isWrapped((axios.Axios.prototype as unknown as Record<string, unknown>)._request));
  });
});
