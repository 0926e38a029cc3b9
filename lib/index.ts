/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// The platform module first: on Node it checks that the optional peer
// @opentelemetry/instrumentation is installed before anything requires it.
import './platform';

export { AxiosInstrumentation } from './instrumentation';
export { SUPPORTED_AXIOS_VERSIONS } from './axios-internals';
export type {
  AxiosInstrumentationConfig,
  AxiosIgnoreRequestHook,
  AxiosRequestHook,
  AxiosRequestHookInfo,
  AxiosResponseHook,
  AxiosResponseHookInfo,
  AxiosUrlFilter,
  BodyAttributeNames,
  PropagateTraceHeaderCorsUrls,
  ScrubbingOptions,
} from './types';
export { CAPTURE_ALL_ENV, DEFAULT_MAX_BODY_LENGTH } from './config';
export { DEFAULT_SENSITIVE_HEADERS, REDACTED_HEADER_VALUE } from './headers';
export { DEFAULT_REDACTED_QUERY_PARAMS } from './url';
export { DEFAULT_SENSITIVE_PATTERNS } from './sensitive';
export { REDACTED_BODY_VALUE } from './scrubbing';
export type { ScrubCallback, ScrubMatch } from './types';
export type { ScrubbedNote } from './scrubbing';
export { ERROR_TYPE_CANCELED } from './span-attributes';
