/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// Attributes still in "development" status in the semantic conventions. The
// OpenTelemetry JS guidance is to copy unstable names rather than import the
// large `@opentelemetry/semantic-conventions/incubating` entry point, whose
// contents may change in any minor release.

/** Textual request body (development status). */
export const ATTR_HTTP_REQUEST_BODY_CONTENT = 'http.request.body.content' as const;
/** Textual response body (development status). */
export const ATTR_HTTP_RESPONSE_BODY_CONTENT = 'http.response.body.content' as const;
/** Request payload size in bytes (development status). */
export const ATTR_HTTP_REQUEST_BODY_SIZE = 'http.request.body.size' as const;
/** Response payload size in bytes (development status). */
export const ATTR_HTTP_RESPONSE_BODY_SIZE = 'http.response.body.size' as const;

// The names Pydantic Logfire writes for captured bodies, for users who send
// their traces to Logfire and want its UI to recognise them.
export const ATTR_LOGFIRE_REQUEST_BODY_TEXT = 'http.request.body.text' as const;
export const ATTR_LOGFIRE_RESPONSE_BODY_TEXT = 'http.response.body.text' as const;
/** A url-encoded form request body, as a JSON object of its fields. */
export const ATTR_LOGFIRE_REQUEST_BODY_FORM = 'http.request.body.form' as const;
/**
 * Logfire's JSON-schema hint: a JSON object `{"type":"object","properties":{...}}`
 * naming the attributes whose string value is JSON, so that its UI shows and
 * queries them as objects.
 */
export const ATTR_LOGFIRE_JSON_SCHEMA = 'logfire.json_schema' as const;

/**
 * What scrubbing redacted on a span, as Logfire's own scrubber records it: a
 * JSON list of `{ "path": [...], "matched_substring": "..." }`, so Logfire's UI
 * shows it. `axios.scrubbed` holds the same under the default names.
 */
export const ATTR_LOGFIRE_SCRUBBED = 'logfire.scrubbed' as const;
export const ATTR_AXIOS_SCRUBBED = 'axios.scrubbed' as const;

// Not part of any convention: marks a captured body that was cut at the limit.
export const ATTR_AXIOS_REQUEST_BODY_TRUNCATED = 'axios.request.body.truncated' as const;
export const ATTR_AXIOS_RESPONSE_BODY_TRUNCATED = 'axios.response.body.truncated' as const;
// Not part of any convention: whether the request went out on a kept-alive
// connection, and whether that connection is to a proxy (so the peer and the
// connection events are the proxy's).
export const ATTR_AXIOS_CONNECTION_REUSED = 'axios.connection.reused' as const;
export const ATTR_AXIOS_CONNECTION_PROXY = 'axios.connection.proxy' as const;

/** Histogram of request body sizes, in bytes (development status). */
export const METRIC_HTTP_CLIENT_REQUEST_BODY_SIZE = 'http.client.request.body.size' as const;
/** Histogram of response body sizes, in bytes (development status). */
export const METRIC_HTTP_CLIENT_RESPONSE_BODY_SIZE = 'http.client.response.body.size' as const;
