/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { ATTR_HTTP_REQUEST_HEADER, ATTR_HTTP_RESPONSE_HEADER } from '@opentelemetry/semantic-conventions';

import type { DiagLogger } from '@opentelemetry/api';

import type { AxiosInstrumentationConfig } from './types';
import { compileHeaderMatcher, DEFAULT_SENSITIVE_HEADERS, HeaderCapture, HeaderMatcher } from './headers';
import { compileQueryRedaction, DEFAULT_REDACTED_QUERY_PARAMS, QueryRedaction, RequestUrls, requestUrls } from './url';
import type { BodyAttributeNames } from './body';
import { environmentFlag, headersToCaptureFromEnvironment, tracePropagationFilter } from './platform';
import { CredentialFinder } from './credentials';
import { BodyScrubber, Scrubber } from './scrubbing';
import { compileKeyMatcher, compilePatterns, compileSensitiveWordFinder } from './sensitive';
import {
  ATTR_AXIOS_REQUEST_BODY_TRUNCATED,
  ATTR_AXIOS_RESPONSE_BODY_TRUNCATED,
  ATTR_AXIOS_SCRUBBED,
  ATTR_HTTP_REQUEST_BODY_CONTENT,
  ATTR_HTTP_REQUEST_BODY_SIZE,
  ATTR_HTTP_RESPONSE_BODY_CONTENT,
  ATTR_HTTP_RESPONSE_BODY_SIZE,
  ATTR_LOGFIRE_REQUEST_BODY_FORM,
  ATTR_LOGFIRE_REQUEST_BODY_TEXT,
  ATTR_LOGFIRE_RESPONSE_BODY_TEXT,
  ATTR_LOGFIRE_SCRUBBED,
} from './semconv';

export const CAPTURE_ALL_ENV = 'OTEL_INSTRUMENTATION_AXIOS_CAPTURE_ALL';
export const DEFAULT_MAX_BODY_LENGTH = 16 * 1024;

/**
 * The options as the per-request path uses them, worked out once per
 * `setConfig()` so that no request pays for defaults, lists or regexps.
 */
export interface ResolvedCapture {
  /** Every header; the named ones below are captured even without it. */
  headers: boolean;
  /** Lower-case names of the request headers to capture when `headers` is off (undefined: none). */
  requestHeaderNames?: ReadonlySet<string>;
  responseHeaderNames?: ReadonlySet<string>;
  /** Captures what `headers` and the names above ask for. */
  requestHeaderCapture: HeaderCapture;
  responseHeaderCapture: HeaderCapture;
  requestBody: boolean;
  responseBody: boolean;
  /** The lowest response status whose body is captured: 400 for `'on-error'`, else 0. */
  responseBodyMinStatus: number;
  maxBodyLength: number;
  requestBodyNames: BodyAttributeNames;
  responseBodyNames: BodyAttributeNames;
  /** `bodyAttributeNames: 'logfire'`: JSON bodies are named in Logfire's JSON-schema hint. */
  logfireJsonHint: boolean;
  /** Rewrites captured body text; undefined with `scrubbing: false`. */
  scrubBody: BodyScrubber | undefined;
  /** Where the list of what scrubbing redacted goes (`logfire.scrubbed` with Logfire's names). */
  scrubbedAttribute: string;
  isSensitiveHeader: HeaderMatcher;
  queryRedaction: QueryRedaction;
  /** The URLs of recent requests, described with this queryRedaction. */
  urls: RequestUrls;
  /** Whether a request to this absolute URL may carry the trace headers (`propagateTraceHeaderCorsUrls`). */
  propagatesTo: (href: string | undefined) => boolean;
}

export interface ResolvedConfig {
  capture: ResolvedCapture;
  /** captureAll was combined with a specific capture flag, which it overrides. */
  captureAllOverlaps: boolean;
  /** `scrubbing: false` was given: bodies are recorded as they are. */
  scrubbingOff: boolean;
  /** extraPatterns that are not regular expressions, searched as plain text. */
  invalidPatterns: string[];
}

/** Lower-case names, or undefined for an empty list (nothing is captured). */
function headerNameSet(names: readonly unknown[] | undefined): ReadonlySet<string> | undefined {
  if (!Array.isArray(names)) return undefined;
  const set = new Set<string>();
  for (const name of names) {
    if (typeof name === 'string' && name.trim() !== '') set.add(name.trim().toLowerCase());
  }
  return set.size > 0 ? set : undefined;
}

export function resolveConfig(config: AxiosInstrumentationConfig, logger?: Pick<DiagLogger, 'error'>): ResolvedConfig {
  const captureAll = config.captureAll ?? environmentFlag(CAPTURE_ALL_ENV) ?? false;
  const specificFlags = [config.captureHeaders, config.captureRequestBody, config.captureResponseBody];
  const logfireNames = config.bodyAttributeNames === 'logfire';
  const maxBodyLength =
    typeof config.maxBodyLength === 'number' && config.maxBodyLength >= 0
      ? Math.floor(config.maxBodyLength)
      : DEFAULT_MAX_BODY_LENGTH;
  // One definition of sensitive: the extra patterns reach bodies, headers and
  // query keys alike; the default patterns join each place's default list.
  const scrubbing = config.scrubbing === false ? undefined : config.scrubbing ?? {};
  const extra = compilePatterns(scrubbing?.extraPatterns);
  const isSensitiveKey = compileKeyMatcher(extra.patterns);
  const queryRedaction =
    config.redactedQueryParams === undefined
      ? compileQueryRedaction(DEFAULT_REDACTED_QUERY_PARAMS, isSensitiveKey)
      : compileQueryRedaction(
          config.redactedQueryParams,
          extra.patterns.length > 0 ? compileKeyMatcher(extra.patterns, false) : undefined
        );
  const captureHeaders = captureAll || config.captureHeaders === true;
  const namedHeaders = config.headersToSpanAttributes;
  const requestHeaderNames = captureHeaders
    ? undefined
    : headerNameSet(namedHeaders ? namedHeaders.requestHeaders : headersToCaptureFromEnvironment('request'));
  const responseHeaderNames = captureHeaders
    ? undefined
    : headerNameSet(namedHeaders ? namedHeaders.responseHeaders : headersToCaptureFromEnvironment('response'));
  const isSensitiveHeader = compileHeaderMatcher([...(config.sensitiveHeaders ?? DEFAULT_SENSITIVE_HEADERS), ...extra.patterns]);
  // Values are read for credentials with the same sensitive keys, and the query keys url.full redacts.
  const scrubber =
    scrubbing &&
    new Scrubber(
      isSensitiveKey,
      new CredentialFinder(isSensitiveKey, queryRedaction.isRedactedKey),
      compileSensitiveWordFinder(extra.patterns),
      typeof scrubbing.callback === 'function' ? scrubbing.callback : undefined,
      logger
    );
  return {
    captureAllOverlaps: config.captureAll === true && specificFlags.some((flag) => flag !== undefined),
    scrubbingOff: scrubbing === undefined,
    invalidPatterns: extra.invalid,
    capture: {
      headers: captureHeaders,
      requestHeaderNames,
      responseHeaderNames,
      requestHeaderCapture: new HeaderCapture(ATTR_HTTP_REQUEST_HEADER, isSensitiveHeader, queryRedaction, requestHeaderNames, scrubber),
      responseHeaderCapture: new HeaderCapture(ATTR_HTTP_RESPONSE_HEADER, isSensitiveHeader, queryRedaction, responseHeaderNames, scrubber),
      requestBody: captureAll || config.captureRequestBody === true,
      responseBody: captureAll || config.captureResponseBody === true || config.captureResponseBody === 'on-error',
      responseBodyMinStatus: !captureAll && config.captureResponseBody === 'on-error' ? 400 : 0,
      maxBodyLength,
      requestBodyNames: {
        content: logfireNames ? ATTR_LOGFIRE_REQUEST_BODY_TEXT : ATTR_HTTP_REQUEST_BODY_CONTENT,
        size: ATTR_HTTP_REQUEST_BODY_SIZE,
        truncated: ATTR_AXIOS_REQUEST_BODY_TRUNCATED,
        form: logfireNames ? ATTR_LOGFIRE_REQUEST_BODY_FORM : undefined,
      },
      responseBodyNames: {
        content: logfireNames ? ATTR_LOGFIRE_RESPONSE_BODY_TEXT : ATTR_HTTP_RESPONSE_BODY_CONTENT,
        size: ATTR_HTTP_RESPONSE_BODY_SIZE,
        truncated: ATTR_AXIOS_RESPONSE_BODY_TRUNCATED,
      },
      logfireJsonHint: logfireNames,
      scrubBody: scrubber && scrubber.body,
      scrubbedAttribute: logfireNames ? ATTR_LOGFIRE_SCRUBBED : ATTR_AXIOS_SCRUBBED,
      isSensitiveHeader,
      queryRedaction,
      urls: requestUrls(queryRedaction),
      propagatesTo: tracePropagationFilter(config.propagateTraceHeaderCorsUrls),
    },
  };
}
