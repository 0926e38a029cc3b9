/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import type { Span } from '@opentelemetry/api';

import { isSameHeaderName, nodeRequestHeadersSource, remembered } from './platform';
import type { Scrubber, ScrubbedNote } from './scrubbing';
import { DEFAULT_SENSITIVE_PATTERNS, SENSITIVE_HEADER_NAMES_ONLY, statelessRegExp } from './sensitive';
import { QueryRedaction, redactUrlString } from './url';

/** Written in place of the values of a sensitive header. */
export const REDACTED_HEADER_VALUE = '[REDACTED]';

/**
 * Headers whose values are never written as they are: every name one of
 * `DEFAULT_SENSITIVE_PATTERNS` (the definition bodies and query keys share)
 * finds, so `authorization`, `proxy-authorization`, `cookie`, `set-cookie`,
 * `x-api-key` and the like, plus `SENSITIVE_HEADER_NAMES_ONLY`. Strings in a
 * user's list match the whole name; regular expressions are tested against
 * the lower-case name.
 */
export const DEFAULT_SENSITIVE_HEADERS: ReadonlyArray<string | RegExp> = Object.freeze([
  ...DEFAULT_SENSITIVE_PATTERNS,
  ...SENSITIVE_HEADER_NAMES_ONLY,
]);

/** Headers whose value is a URL: written with the same redaction as `url.full`. */
const URL_HEADERS = new Set(['location', 'content-location', 'referer']);

export type HeaderMatcher = (lowerCaseName: string) => boolean;

/** Bounds the memory of a matcher fed with arbitrary header names. */
const REMEMBERED_HEADER_NAMES = 512;
/** Longer header names are judged afresh each time rather than remembered. */
const LONGEST_REMEMBERED_HEADER_NAME = 256;

export function compileHeaderMatcher(list: ReadonlyArray<string | RegExp>): HeaderMatcher {
  const names = new Set<string>();
  const patterns: RegExp[] = [];
  for (const entry of list) {
    if (typeof entry === 'string') names.add(entry.toLowerCase());
    else if (entry instanceof RegExp) patterns.push(statelessRegExp(entry));
  }
  // Header names repeat from request to request: on Node each verdict is
  // remembered rather than every pattern run over every header of every request.
  return remembered(
    (name) => names.has(name) || patterns.some((pattern) => pattern.test(name)),
    REMEMBERED_HEADER_NAMES,
    LONGEST_REMEMBERED_HEADER_NAME
  );
}

type HeaderVisitor = (lowerCaseName: string, values: string[]) => void;

function headerValues(value: unknown): string[] | undefined {
  if (value === undefined || value === null || value === false) return undefined;
  if (Array.isArray(value)) return value.filter((item) => item !== undefined && item !== null).map(String);
  return [String(value)];
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
 * AxiosHeaders keeps each header as an own property under the name it was
 * set with: reading those directly spares its `get` (which lower-cases a copy
 * of every name to find one) and its `toJSON` (a new object per call).
 */
function isAxiosHeaders(source: object): boolean {
  return (source as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] === 'AxiosHeaders';
}

const hasOwn = Object.prototype.hasOwnProperty;

/** The value of the first own property whose name is `lowerCaseName` in any case. */
function ownHeader(record: Record<string, unknown>, lowerCaseName: string): unknown {
  for (const name in record) {
    if (hasOwn.call(record, name) && isSameHeaderName(name, lowerCaseName)) return record[name];
  }
  return undefined;
}

/** Where the headers of a source are: a record of own properties, or WHATWG `Headers` (undefined: none). */
function headerRecord(source: object): Record<string, unknown> | WebHeaders | undefined {
  const candidate = source as { getHeaders?: () => Record<string, unknown>; toJSON?: () => unknown };
  if (typeof candidate.getHeaders === 'function') return candidate.getHeaders();
  if (typeof candidate.toJSON === 'function') {
    if (isAxiosHeaders(source)) return source as Record<string, unknown>;
    const json = candidate.toJSON();
    return json && typeof json === 'object' ? (json as Record<string, unknown>) : undefined;
  }
  if (isWebHeaders(source)) return source;
  return source as Record<string, unknown>;
}

/**
 * Visits every header of an AxiosHeaders, a plain object, a WHATWG `Headers`
 * or a Node `ClientRequest`, with its values as strings.
 */
export function forEachHeader(source: unknown, visit: HeaderVisitor): void {
  if (!source || typeof source !== 'object') return;
  const headers = headerRecord(source);
  if (!headers) return;
  if (isWebHeaders(headers)) {
    forEachWebHeader(headers, visit);
    return;
  }
  for (const name in headers) {
    if (!hasOwn.call(headers, name)) continue;
    const values = headerValues(headers[name]);
    if (values) visit(name.toLowerCase(), values);
  }
}

function forEachWebHeader(headers: WebHeaders, visit: (name: string, values: string[]) => void): void {
  headers.forEach((value, name) => {
    // Headers joins repeated Set-Cookie values into one string; keep them apart.
    if (name === 'set-cookie' && typeof headers.getSetCookie === 'function') visit(name, headers.getSetCookie());
    else visit(name, [value]);
  });
}

/** One header's value, as the source holds it, from any of the sources `forEachHeader` reads. */
function headerValue(source: object, lowerCaseName: string): unknown {
  const candidate = source as { getHeader?: (name: string) => unknown; get?: (name: string) => unknown };
  if (typeof candidate.getHeader === 'function') return candidate.getHeader(lowerCaseName);
  if (typeof candidate.get === 'function' && !isAxiosHeaders(source)) return candidate.get(lowerCaseName);
  return ownHeader(source as Record<string, unknown>, lowerCaseName);
}

/** One header's value from any of the sources `forEachHeader` reads. */
export function readHeader(source: unknown, lowerCaseName: string): string | undefined {
  if (!source || typeof source !== 'object') return undefined;
  const value = headerValue(source, lowerCaseName);
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
    const nodeRequest = nodeRequestHeadersSource(request);
    if (nodeRequest) return nodeRequest;
    const { headers } = request as { headers?: unknown };
    if (headers && typeof headers === 'object' && isWebHeaders(headers)) return headers;
  }
  return configHeaders;
}

/** How one header name is captured: its attribute's name, and how its values are written. */
interface HeaderPlan {
  readonly lowerCaseName: string;
  readonly attribute: string;
  readonly values: 'as-sent' | 'redacted' | 'url';
}

/**
 * What header capture needs for one direction, made once per setConfig():
 * the plan of each header name, remembered on Node by the name as a source
 * holds it (the same few names come with every request; lower-casing each,
 * testing it and joining its attribute name every time cost more than the
 * rest of header capture), or with named headers only, their plans alone.
 */
export class HeaderCapture {
  private readonly planOf = remembered(
    (storedName: string) => this.plan(storedName.toLowerCase()),
    REMEMBERED_HEADER_NAMES,
    LONGEST_REMEMBERED_HEADER_NAME
  );
  /** The named headers' lower-case names and plans; undefined: every header. */
  private readonly named: ReadonlyArray<readonly [string, HeaderPlan]> | undefined;

  constructor(
    private readonly attributeName: (lowerCaseName: string) => string,
    private readonly isSensitive: HeaderMatcher,
    private readonly queryRedaction: QueryRedaction,
    only?: ReadonlySet<string>,
    /** Scrubs the values of headers whose names are not sensitive, and notes each redaction (none with `scrubbing: false`). */
    private readonly scrubber?: Scrubber
  ) {
    this.named = only && [...only].map((name) => [name, this.plan(name)] as const);
  }

  private plan(lowerCaseName: string): HeaderPlan {
    return {
      lowerCaseName,
      attribute: this.attributeName(lowerCaseName),
      values: this.isSensitive(lowerCaseName) ? 'redacted' : URL_HEADERS.has(lowerCaseName) ? 'url' : 'as-sent',
    };
  }

  private write(span: Span, plan: HeaderPlan, values: string[], found: ScrubbedNote[]): void {
    const scrubber = this.scrubber;
    if (plan.values === 'redacted') {
      span.setAttribute(
        plan.attribute,
        scrubber ? scrubber.sensitiveHeader(plan.attribute, plan.lowerCaseName, values, found) : [REDACTED_HEADER_VALUE]
      );
    } else if (plan.values === 'url') {
      span.setAttribute(
        plan.attribute,
        values.map((value) => redactUrlString(value, this.queryRedaction))
      );
    } else span.setAttribute(plan.attribute, scrubber ? scrubber.headerValues(plan.attribute, values, found) : values);
  }

  /**
   * Sets one string-array attribute per captured header of `source` on `span`,
   * sensitive values redacted; each redaction scrubbing makes is noted in `found`.
   */
  record(span: Span, source: unknown, found: ScrubbedNote[] = []): void {
    if (!source || typeof source !== 'object') return;
    if (this.named) {
      for (const [name, plan] of this.named) {
        const values =
          name === 'set-cookie' && isWebHeaders(source) && typeof source.getSetCookie === 'function'
            ? nonEmpty(source.getSetCookie())
            : headerValues(headerValue(source, name));
        if (values) this.write(span, plan, values, found);
      }
      return;
    }
    const headers = headerRecord(source);
    if (!headers) return;
    if (isWebHeaders(headers)) {
      // Headers gives lower-case names.
      forEachWebHeader(headers, (name, values) => this.write(span, this.planOf(name), values, found));
      return;
    }
    for (const name in headers) {
      if (!hasOwn.call(headers, name)) continue;
      const values = headerValues(headers[name]);
      if (values) this.write(span, this.planOf(name), values, found);
    }
  }
}

function nonEmpty(values: string[]): string[] | undefined {
  return values.length > 0 ? values : undefined;
}
