/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// The options the zero-code entry point reads from OTEL_INSTRUMENTATION_AXIOS_*:
// every variable, how values are spelt, and that a bad one only warns.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

import { configFromEnvironment, ENV_OPTIONS } from '../lib/env-options';
import { projectRoot } from './support/child';

function fromEnv(variables: Record<string, string>) {
  return configFromEnvironment((name) => variables[name]);
}

describe('Zero-code options from OTEL_INSTRUMENTATION_AXIOS_* variables', () => {
  it('nothing set: no option, no warning, not disabled', () => {
    assert.deepStrictEqual(fromEnv({}), { config: {}, warnings: [], disabled: false });
  });

  it('every variable, read as OpenTelemetry JS reads its own (any case, spaces trimmed, comma lists)', () => {
    const { config, warnings } = fromEnv({
      OTEL_INSTRUMENTATION_AXIOS_CAPTURE_ALL: 'false',
      OTEL_INSTRUMENTATION_AXIOS_CAPTURE_HEADERS: ' TRUE ',
      OTEL_INSTRUMENTATION_AXIOS_CAPTURE_REQUEST_BODY: 'True',
      OTEL_INSTRUMENTATION_AXIOS_CAPTURE_RESPONSE_BODY: 'on-error',
      OTEL_INSTRUMENTATION_AXIOS_MAX_BODY_LENGTH: '2048',
      OTEL_INSTRUMENTATION_AXIOS_BODY_ATTRIBUTE_NAMES: 'Logfire',
      OTEL_INSTRUMENTATION_AXIOS_CAPTURE_REQUEST_HEADERS: 'x-request-id, x-tenant',
      OTEL_INSTRUMENTATION_AXIOS_CAPTURE_RESPONSE_HEADERS: 'retry-after',
      OTEL_INSTRUMENTATION_AXIOS_SENSITIVE_HEADERS: 'authorization,x-api-key,',
      OTEL_INSTRUMENTATION_AXIOS_REDACTED_QUERY_PARAMS: 'sig,token',
      OTEL_INSTRUMENTATION_AXIOS_SCRUBBING_EXTRA_PATTERNS: 'iban,card_?number',
      OTEL_INSTRUMENTATION_AXIOS_REQUIRE_PARENT_FOR_SPANS: 'true',
      OTEL_INSTRUMENTATION_AXIOS_BODY_SIZE_METRICS: 'true',
      OTEL_INSTRUMENTATION_AXIOS_KEEP_TRANSPORT_SPANS: 'false',
    });
    assert.deepStrictEqual(warnings, []);
    assert.deepStrictEqual(config, {
      captureAll: false,
      captureHeaders: true,
      captureRequestBody: true,
      captureResponseBody: 'on-error',
      maxBodyLength: 2048,
      bodyAttributeNames: 'logfire',
      headersToSpanAttributes: { requestHeaders: ['x-request-id', 'x-tenant'], responseHeaders: ['retry-after'] },
      sensitiveHeaders: ['authorization', 'x-api-key'],
      redactedQueryParams: ['sig', 'token'],
      scrubbing: { extraPatterns: ['iban', 'card_?number'] },
      requireParentforSpans: true,
      bodySizeMetrics: true,
      keepTransportSpans: false,
    });
  });

  it('an empty value is the same as none', () => {
    const variables = Object.fromEntries(ENV_OPTIONS.map(({ variable }) => [variable, '  ']));
    assert.deepStrictEqual(fromEnv(variables), { config: {}, warnings: [], disabled: false });
  });

  it('SCRUBBING=false turns body scrubbing off, and extra patterns then change nothing', () => {
    assert.deepStrictEqual(
      fromEnv({ OTEL_INSTRUMENTATION_AXIOS_SCRUBBING: 'false', OTEL_INSTRUMENTATION_AXIOS_SCRUBBING_EXTRA_PATTERNS: 'iban' }).config,
      { scrubbing: false }
    );
    assert.deepStrictEqual(fromEnv({ OTEL_INSTRUMENTATION_AXIOS_SCRUBBING: 'true' }).config, {});
  });

  it('a value that cannot be read: that option keeps its default, one warning names the variable and what it takes; the others apply', () => {
    const { config, warnings } = fromEnv({
      OTEL_INSTRUMENTATION_AXIOS_CAPTURE_ALL: 'yes',
      OTEL_INSTRUMENTATION_AXIOS_CAPTURE_RESPONSE_BODY: '1',
      OTEL_INSTRUMENTATION_AXIOS_MAX_BODY_LENGTH: '16k',
      OTEL_INSTRUMENTATION_AXIOS_BODY_ATTRIBUTE_NAMES: 'otel',
      OTEL_INSTRUMENTATION_AXIOS_SENSITIVE_HEADERS: ' , ',
      OTEL_INSTRUMENTATION_AXIOS_KEEP_TRANSPORT_SPANS: 'true',
    });
    assert.deepStrictEqual(config, { keepTransportSpans: true });
    assert.deepStrictEqual(warnings, [
      `OTEL_INSTRUMENTATION_AXIOS_CAPTURE_ALL="yes" is not 'true' or 'false'; that option keeps its default.`,
      `OTEL_INSTRUMENTATION_AXIOS_CAPTURE_RESPONSE_BODY="1" is not 'true', 'false' or 'on-error'; that option keeps its default.`,
      'OTEL_INSTRUMENTATION_AXIOS_MAX_BODY_LENGTH="16k" is not a whole number of characters, 0 or more; that option keeps its default.',
      `OTEL_INSTRUMENTATION_AXIOS_BODY_ATTRIBUTE_NAMES="otel" is not 'semconv' or 'logfire'; that option keeps its default.`,
      'OTEL_INSTRUMENTATION_AXIOS_SENSITIVE_HEADERS="," is not a comma-separated list with at least one name; that option keeps its default.',
    ]);
  });

  for (const bad of ['-1', '1.5', '1e3', '0x10', '99999999999999999999', 'NaN']) {
    it(`MAX_BODY_LENGTH=${bad} is not a length`, () => {
      const { config, warnings } = fromEnv({ OTEL_INSTRUMENTATION_AXIOS_MAX_BODY_LENGTH: bad });
      assert.deepStrictEqual(config, {});
      assert.strictEqual(warnings.length, 1);
    });
  }

  it('MAX_BODY_LENGTH=0 is a length (bodies are cut to nothing)', () => {
    assert.deepStrictEqual(fromEnv({ OTEL_INSTRUMENTATION_AXIOS_MAX_BODY_LENGTH: '0' }).config, { maxBodyLength: 0 });
  });

  it('axios in OTEL_NODE_DISABLED_INSTRUMENTATIONS (any case, among others) disables the entry point', () => {
    assert.strictEqual(fromEnv({ OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'fs, Axios ,dns' }).disabled, true);
    assert.strictEqual(fromEnv({ OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'fs,axios-retry' }).disabled, false);
  });

  it('every variable is listed in docs/options.md', () => {
    const options = fs.readFileSync(path.join(projectRoot, 'docs', 'options.md'), 'utf8');
    const missing = ENV_OPTIONS.map(({ variable }) => variable).filter((variable) => !options.includes(`\`${variable}\``));
    assert.deepStrictEqual(missing, []);
  });
});
