/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { AxiosInstrumentationConfig } from './types';
import { compileHeaderMatcher, DEFAULT_SENSITIVE_HEADERS, HeaderMatcher } from './headers';
import { compileQueryRedaction, DEFAULT_REDACTED_QUERY_PARAMS, QueryRedaction, RequestUrlCache } from './url';
import type { BodyAttributeNames } from './body';
import { environmentVariable, tracePropagationFilter } from './platform';
import {
  ATTR_AXIOS_REQUEST_BODY_TRUNCATED,
  ATTR_AXIOS_RESPONSE_BODY_TRUNCATED,
  ATTR_HTTP_REQUEST_BODY_CONTENT,
  ATTR_HTTP_REQUEST_BODY_SIZE,
  ATTR_HTTP_RESPONSE_BODY_CONTENT,
  ATTR_HTTP_RESPONSE_BODY_SIZE,
  ATTR_LOGFIRE_REQUEST_BODY_TEXT,
  ATTR_LOGFIRE_RESPONSE_BODY_TEXT,
} from './semconv';

export const CAPTURE_ALL_ENV = 'OTEL_INSTRUMENTATION_AXIOS_CAPTURE_ALL';
export const DEFAULT_MAX_BODY_LENGTH = 16 * 1024;

/**
 * The options as the per-request path uses them, worked out once per
 * `setConfig()` so that no request pays for defaults, lists or regexps.
 */
export interface ResolvedCapture {
  headers: boolean;
  requestBody: boolean;
  responseBody: boolean;
  maxBodyLength: number;
  requestBodyNames: BodyAttributeNames;
  responseBodyNames: BodyAttributeNames;
  isSensitiveHeader: HeaderMatcher;
  queryRedaction: QueryRedaction;
  /** The URLs of recent requests, described with this queryRedaction. */
  urls: RequestUrlCache;
  /** Whether a request to this absolute URL may carry the trace headers (`propagateTraceHeaderCorsUrls`). */
  propagatesTo: (href: string | undefined) => boolean;
}

export interface ResolvedConfig {
  capture: ResolvedCapture;
  /** captureAll was combined with a specific capture flag, which it overrides. */
  captureAllOverlaps: boolean;
}

function envFlag(name: string): boolean | undefined {
  const raw = environmentVariable(name)?.trim().toLowerCase();
  if (raw === undefined || raw === '') return undefined;
  // As in the OpenTelemetry configuration specification, only "true" is true.
  return raw === 'true';
}

export function resolveConfig(config: AxiosInstrumentationConfig): ResolvedConfig {
  const captureAll = config.captureAll ?? envFlag(CAPTURE_ALL_ENV) ?? false;
  const specificFlags = [config.captureHeaders, config.captureRequestBody, config.captureResponseBody];
  const logfireNames = config.bodyAttributeNames === 'logfire';
  const maxBodyLength =
    typeof config.maxBodyLength === 'number' && config.maxBodyLength >= 0
      ? Math.floor(config.maxBodyLength)
      : DEFAULT_MAX_BODY_LENGTH;
  const queryRedaction = compileQueryRedaction(config.redactedQueryParams ?? DEFAULT_REDACTED_QUERY_PARAMS);
  return {
    captureAllOverlaps: config.captureAll === true && specificFlags.some((flag) => flag !== undefined),
    capture: {
      headers: captureAll || config.captureHeaders === true,
      requestBody: captureAll || config.captureRequestBody === true,
      responseBody: captureAll || config.captureResponseBody === true,
      maxBodyLength,
      requestBodyNames: {
        content: logfireNames ? ATTR_LOGFIRE_REQUEST_BODY_TEXT : ATTR_HTTP_REQUEST_BODY_CONTENT,
        size: ATTR_HTTP_REQUEST_BODY_SIZE,
        truncated: ATTR_AXIOS_REQUEST_BODY_TRUNCATED,
      },
      responseBodyNames: {
        content: logfireNames ? ATTR_LOGFIRE_RESPONSE_BODY_TEXT : ATTR_HTTP_RESPONSE_BODY_CONTENT,
        size: ATTR_HTTP_RESPONSE_BODY_SIZE,
        truncated: ATTR_AXIOS_RESPONSE_BODY_TRUNCATED,
      },
      isSensitiveHeader: compileHeaderMatcher(config.sensitiveHeaders ?? DEFAULT_SENSITIVE_HEADERS),
      queryRedaction,
      urls: new RequestUrlCache(queryRedaction),
      propagatesTo: tracePropagationFilter(config.propagateTraceHeaderCorsUrls),
    },
  };
}
