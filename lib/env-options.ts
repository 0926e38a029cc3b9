/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// The options of the zero-code entry point (`--require` / `--import`
// opentelemetry-instrumentation-axios/register), read from environment
// variables that a platform sets, since no code of the application runs
// before it. Spelt as OpenTelemetry JS spells its own: `true`/`false` in any
// case, comma-separated lists, an empty value the same as none. A value that
// cannot be read leaves that option at its default and says why: a typo in a
// deployment must never stop the application. Hooks stay code-only.

import { CAPTURE_ALL_ENV } from './config';
import { environmentVariable } from './platform';
import type { AxiosInstrumentationConfig, BodyAttributeNames } from './types';

export const ENV_PREFIX = 'OTEL_INSTRUMENTATION_AXIOS_';

type ValueKind = 'boolean' | 'boolean-or-on-error' | 'non-negative-integer' | 'body-attribute-names' | 'list';

interface EnvOption {
  variable: string;
  kind: ValueKind;
  /** Writes the read value into the config. */
  apply(config: AxiosInstrumentationConfig, value: never): void;
}

function option<T>(variable: string, kind: ValueKind, apply: (config: AxiosInstrumentationConfig, value: T) => void): EnvOption {
  return { variable, kind, apply: apply as EnvOption['apply'] };
}

/** Every option an environment variable can set, in the order of the options table. */
export const ENV_OPTIONS: readonly EnvOption[] = [
  option<boolean>(CAPTURE_ALL_ENV, 'boolean', (config, value) => (config.captureAll = value)),
  option<boolean>(`${ENV_PREFIX}CAPTURE_HEADERS`, 'boolean', (config, value) => (config.captureHeaders = value)),
  option<boolean>(`${ENV_PREFIX}CAPTURE_REQUEST_BODY`, 'boolean', (config, value) => (config.captureRequestBody = value)),
  option<boolean | 'on-error'>(
    `${ENV_PREFIX}CAPTURE_RESPONSE_BODY`,
    'boolean-or-on-error',
    (config, value) => (config.captureResponseBody = value)
  ),
  option<number>(`${ENV_PREFIX}MAX_BODY_LENGTH`, 'non-negative-integer', (config, value) => (config.maxBodyLength = value)),
  option<BodyAttributeNames>(
    `${ENV_PREFIX}BODY_ATTRIBUTE_NAMES`,
    'body-attribute-names',
    (config, value) => (config.bodyAttributeNames = value)
  ),
  option<string[]>(`${ENV_PREFIX}CAPTURE_REQUEST_HEADERS`, 'list', (config, value) => {
    config.headersToSpanAttributes = { ...config.headersToSpanAttributes, requestHeaders: value };
  }),
  option<string[]>(`${ENV_PREFIX}CAPTURE_RESPONSE_HEADERS`, 'list', (config, value) => {
    config.headersToSpanAttributes = { ...config.headersToSpanAttributes, responseHeaders: value };
  }),
  option<string[]>(`${ENV_PREFIX}SENSITIVE_HEADERS`, 'list', (config, value) => (config.sensitiveHeaders = value)),
  option<string[]>(`${ENV_PREFIX}REDACTED_QUERY_PARAMS`, 'list', (config, value) => (config.redactedQueryParams = value)),
  option<boolean>(`${ENV_PREFIX}SCRUBBING`, 'boolean', (config, value) => {
    if (!value) config.scrubbing = false;
  }),
  option<string[]>(`${ENV_PREFIX}SCRUBBING_EXTRA_PATTERNS`, 'list', (config, value) => {
    if (config.scrubbing !== false) config.scrubbing = { extraPatterns: value };
  }),
  option<boolean>(`${ENV_PREFIX}REQUIRE_PARENT_FOR_SPANS`, 'boolean', (config, value) => (config.requireParentforSpans = value)),
  option<boolean>(`${ENV_PREFIX}BODY_SIZE_METRICS`, 'boolean', (config, value) => (config.bodySizeMetrics = value)),
  option<boolean>(`${ENV_PREFIX}KEEP_TRANSPORT_SPANS`, 'boolean', (config, value) => (config.keepTransportSpans = value)),
];

/** OpenTelemetry JS's list of instrumentations left out of zero-code set-ups. */
export const DISABLED_INSTRUMENTATIONS_ENV = 'OTEL_NODE_DISABLED_INSTRUMENTATIONS';
/** The name this package answers to in that list. */
export const INSTRUMENTATION_SHORT_NAME = 'axios';

export interface EnvironmentConfig {
  config: AxiosInstrumentationConfig;
  /** One line per variable whose value could not be read (its option keeps the default). */
  warnings: string[];
  /** `axios` is in OTEL_NODE_DISABLED_INSTRUMENTATIONS. */
  disabled: boolean;
}

type Parsed = { ok: true; value: unknown } | { ok: false; expected: string };

function parseValue(kind: ValueKind, raw: string): Parsed {
  const lower = raw.toLowerCase();
  switch (kind) {
    case 'boolean':
      if (lower === 'true' || lower === 'false') return { ok: true, value: lower === 'true' };
      return { ok: false, expected: "'true' or 'false'" };
    case 'boolean-or-on-error':
      if (lower === 'true' || lower === 'false') return { ok: true, value: lower === 'true' };
      if (lower === 'on-error') return { ok: true, value: 'on-error' };
      return { ok: false, expected: "'true', 'false' or 'on-error'" };
    case 'non-negative-integer': {
      const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
      if (Number.isSafeInteger(value)) return { ok: true, value };
      return { ok: false, expected: 'a whole number of characters, 0 or more' };
    }
    case 'body-attribute-names':
      if (lower === 'semconv' || lower === 'logfire') return { ok: true, value: lower };
      return { ok: false, expected: "'semconv' or 'logfire'" };
    case 'list': {
      const value = raw
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== '');
      if (value.length > 0) return { ok: true, value };
      return { ok: false, expected: 'a comma-separated list with at least one name' };
    }
  }
}

/**
 * The options the `OTEL_INSTRUMENTATION_AXIOS_*` variables set. An unset or
 * empty variable leaves its option out, so the instrumentation's own default
 * (and its fallbacks, such as the HTTP client header lists) applies.
 */
export function configFromEnvironment(read: (name: string) => string | undefined = environmentVariable): EnvironmentConfig {
  const config: AxiosInstrumentationConfig = {};
  const warnings: string[] = [];
  for (const { variable, kind, apply } of ENV_OPTIONS) {
    const raw = read(variable)?.trim();
    if (raw === undefined || raw === '') continue;
    const parsed = parseValue(kind, raw);
    if (parsed.ok) apply(config, parsed.value as never);
    else warnings.push(`${variable}=${JSON.stringify(raw)} is not ${parsed.expected}; that option keeps its default.`);
  }
  const disabledList = read(DISABLED_INSTRUMENTATIONS_ENV) ?? '';
  const disabled = disabledList.split(',').some((name) => name.trim().toLowerCase() === INSTRUMENTATION_SHORT_NAME);
  return { config, warnings, disabled };
}
