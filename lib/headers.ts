/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { Attributes, Span } from '@opentelemetry/api';
import { ATTR_HTTP_REQUEST_HEADER, ATTR_HTTP_RESPONSE_HEADER } from '@opentelemetry/semantic-conventions';

import { DEFAULT_SENSITIVE_PATTERNS, statelessRegExp } from './sensitive';
import { QueryRedaction, redactUrlString } from './url';

/** Written in place of the values of a sensitive header. */
export const REDACTED_HEADER_VALUE = '[REDACTED]';

/**
 * Headers whose values are never written as they are. Strings match the whole
 * name; regular expressions are tested against the lower-case name. The
 * patterns follow what Logfire scrubs (auth, api key, token, secret, password,
 * session, credential, private key, csrf/xsrf, jwt, ssn), plus any name ending
 * in `key` (`x-functions-key`, `ocp-apim-subscription-key`), and every one of
 * `DEFAULT_SENSITIVE_PATTERNS`, the definition bodies and query keys share.
 */
export const DEFAULT_SENSITIVE_HEADERS: ReadonlyArray<string | RegExp> = Object.freeze([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  /auth/,
  /api[-_]?key/,
  /(^|[-_])key$/,
  /token/,
  /secret/,
  /passw(or)?d/,
  /session/,
  /credential/,
  /private[-_]?key/,
  /[cx]srf/,
  /jwt/,
  /ssn/,
  ...DEFAULT_SENSITIVE_PATTERNS,
]);

/** Headers whose value is a URL: written with the same redaction as `url.full`. */
const URL_HEADERS = new Set(['location', 'content-location', 'referer']);

export type HeaderMatcher = (lowerCaseName: string) => boolean;

/** Bounds the memory of a matcher fed with arbitrary header names. */
const MAX_REMEMBERED_HEADER_NAMES = 512;

export function compileHeaderMatcher(list: ReadonlyArray<string | RegExp>): HeaderMatcher {
  const names = new Set<string>();
  const patterns: RegExp[] = [];
  for (const entry of list) {
    if (typeof entry === 'string') names.add(entry.toLowerCase());
    else if (entry instanceof RegExp) patterns.push(statelessRegExp(entry));
  }
  // Header names repeat from request to request; remember each verdict rather
  // than run every pattern over every header of every request.
  const verdicts = new Map<string, boolean>();
  return (name) => {
    let sensitive = verdicts.get(name);
    if (sensitive === undefined) {
      sensitive = names.has(name) || patterns.some((pattern) => pattern.test(name));
      if (verdicts.size < MAX_REMEMBERED_HEADER_NAMES) verdicts.set(name, sensitive);
    }
    return sensitive;
  };
}

type HeaderVisitor = (lowerCaseName: string, values: string[]) => void;
/** Gets each name as the source holds it: lower-case from Node and `Headers`, as set from AxiosHeaders and plain objects. */
type StoredHeaderVisitor = (storedName: string, values: string[]) => void;

function headerValues(value: unknown): string[] | undefined {
  if (value === undefined || value === null || value === false) return undefined;
  if (Array.isArray(value)) return value.filter((item) => item !== undefined && item !== null).map(String);
  return [String(value)];
}

function forEachEntry(record: Record<string, unknown>, visit: StoredHeaderVisitor): void {
  for (const name of Object.keys(record)) {
    const values = headerValues(record[name]);
    if (values) visit(name, values);
  }
}

interface WebHeaders {
  forEach(callback: (value: string, name: string) => void): void;
  get(name: string): string | null;
  getSetCookie?(): string[];
}

function isWebHeaders(source: object): source is WebHeaders {
  return typeof (source as WebHeaders).forEach === 'function' && typeof (source as WebHeaders).get === 'function';
}

/**
 * Visits every header of an AxiosHeaders, a plain object, a WHATWG `Headers`
 * or a Node `ClientRequest`, with its values as strings.
 */
export function forEachHeader(source: unknown, visit: HeaderVisitor): void {
  forEachStoredHeader(source, (name, values) => visit(name.toLowerCase(), values));
}

function forEachStoredHeader(source: unknown, visit: StoredHeaderVisitor): void {
  if (!source || typeof source !== 'object') return;
  const candidate = source as { getHeaders?: () => Record<string, unknown>; toJSON?: () => unknown };
  if (typeof candidate.getHeaders === 'function') {
    forEachEntry(candidate.getHeaders(), visit);
  } else if (typeof candidate.toJSON === 'function') {
    const json = candidate.toJSON();
    if (json && typeof json === 'object') forEachEntry(json as Record<string, unknown>, visit);
  } else if (isWebHeaders(source)) {
    source.forEach((value, name) => {
      // Headers joins repeated Set-Cookie values into one string; keep them apart.
      if (name === 'set-cookie' && typeof source.getSetCookie === 'function') visit(name, source.getSetCookie());
      else visit(name, [value]);
    });
  } else {
    forEachEntry(source as Record<string, unknown>, visit);
  }
}

/** One header's value from any of the sources `forEachHeader` reads. */
export function readHeader(source: unknown, lowerCaseName: string): string | undefined {
  if (!source || typeof source !== 'object') return undefined;
  const candidate = source as {
    getHeader?: (name: string) => unknown;
    get?: (name: string) => unknown;
  };
  let value: unknown;
  if (typeof candidate.getHeader === 'function') value = candidate.getHeader(lowerCaseName);
  else if (typeof candidate.get === 'function') value = candidate.get(lowerCaseName);
  else {
    const record = source as Record<string, unknown>;
    const key = Object.keys(record).find((name) => name.toLowerCase() === lowerCaseName);
    value = key === undefined ? undefined : record[key];
  }
  // Nearly every header read here holds one string: no array to join.
  if (typeof value === 'string') return value;
  const values = headerValues(value);
  return values ? values.join(', ') : undefined;
}

/**
 * Where the headers that really went out can be read: the Node `ClientRequest`
 * (http adapter) or the WHATWG `Request` (fetch adapter), else the config's.
 */
export function sentHeadersSource(request: unknown, configHeaders: unknown): unknown {
  if (request && typeof request === 'object') {
    const candidate = request as {
      getHeaders?: unknown;
      headers?: unknown;
      // follow-redirects wraps the ClientRequest it is currently sending
      _currentRequest?: { getHeaders?: unknown };
    };
    if (typeof candidate.getHeaders === 'function') return request;
    if (candidate._currentRequest && typeof candidate._currentRequest.getHeaders === 'function') {
      return candidate._currentRequest;
    }
    if (candidate.headers && typeof candidate.headers === 'object' && isWebHeaders(candidate.headers)) {
      return candidate.headers;
    }
  }
  return configHeaders;
}

/** How one header name is captured: its attribute's name, and how its values are written. */
interface HeaderPlan {
  /** The name in lower case. */
  readonly name: string;
  readonly attribute: string;
  readonly values: 'as-sent' | 'redacted' | 'url';
}

/**
 * The plan of each header name as a source holds it, per matcher (one per
 * setConfig()) and direction: the same few names come with every request, and
 * lower-casing each, testing it and joining its attribute name every time
 * cost more than the rest of header capture.
 */
const requestHeaderPlans = new WeakMap<HeaderMatcher, Map<string, HeaderPlan>>();
const responseHeaderPlans = new WeakMap<HeaderMatcher, Map<string, HeaderPlan>>();

function planFor(
  plans: Map<string, HeaderPlan>,
  storedName: string,
  attributeName: (name: string) => string,
  isSensitive: HeaderMatcher
): HeaderPlan {
  let plan = plans.get(storedName);
  if (plan === undefined) {
    const name = storedName.toLowerCase();
    plan = {
      name,
      attribute: attributeName(name),
      values: isSensitive(name) ? 'redacted' : URL_HEADERS.has(name) ? 'url' : 'as-sent',
    };
    if (plans.size < MAX_REMEMBERED_HEADER_NAMES) plans.set(storedName, plan);
  }
  return plan;
}

function captureHeaders(
  span: Span,
  source: unknown,
  attributeName: (name: string) => string,
  allPlans: WeakMap<HeaderMatcher, Map<string, HeaderPlan>>,
  isSensitive: HeaderMatcher,
  queryRedaction: QueryRedaction,
  only: ReadonlySet<string> | undefined
): void {
  let plans = allPlans.get(isSensitive);
  if (plans === undefined) {
    plans = new Map();
    allPlans.set(isSensitive, plans);
  }
  const attributes: Attributes = {};
  forEachStoredHeader(source, (storedName, values) => {
    const plan = planFor(plans, storedName, attributeName, isSensitive);
    if (only && !only.has(plan.name)) return;
    if (plan.values === 'redacted') attributes[plan.attribute] = [REDACTED_HEADER_VALUE];
    else if (plan.values === 'url') attributes[plan.attribute] = values.map((value) => redactUrlString(value, queryRedaction));
    else attributes[plan.attribute] = values;
  });
  span.setAttributes(attributes);
}

export function captureRequestHeaders(
  span: Span,
  source: unknown,
  isSensitive: HeaderMatcher,
  queryRedaction: QueryRedaction,
  only?: ReadonlySet<string>
): void {
  captureHeaders(span, source, ATTR_HTTP_REQUEST_HEADER, requestHeaderPlans, isSensitive, queryRedaction, only);
}

export function captureResponseHeaders(
  span: Span,
  source: unknown,
  isSensitive: HeaderMatcher,
  queryRedaction: QueryRedaction,
  only?: ReadonlySet<string>
): void {
  captureHeaders(span, source, ATTR_HTTP_RESPONSE_HEADER, responseHeaderPlans, isSensitive, queryRedaction, only);
}
