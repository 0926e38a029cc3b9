/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// What `bodyAttributeNames: 'logfire'` writes beyond the names: the shapes that
// Pydantic Logfire's own HTTP client integrations (Python's httpx and aiohttp)
// give captured bodies, so that its UI shows them the same way. A url-encoded
// form is an object of its fields under `http.request.body.form`; a body whose
// attribute holds a whole JSON document is named in the span's JSON-schema hint
// (`logfire.json_schema`, `{"type":"object","properties":{"<attribute>":{"type":"object"}}}`),
// which tells the UI to parse that string and show it as an object.

import type { Attributes } from '@opentelemetry/api';

import { FORM_CONTENT_TYPE } from './scrubbing';

/** The attribute names of one body that the hint looks at (body.ts's BodyAttributeNames, which imports this file). */
interface BodyNames {
  content: string;
  truncated: string;
  form?: string;
}

/** A single JSON document: `application/json`, `text/json` and the `+json` types, not NDJSON nor JSON sequences. */
const JSON_DOCUMENT_TYPE = /^\s*(?:application|text)\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

export function isFormContentType(contentType: string | undefined): boolean {
  return contentType !== undefined && FORM_CONTENT_TYPE.test(contentType);
}

/**
 * The fields of a url-encoded form as the JSON object Logfire records: one
 * value per name, an array for a name given more than once.
 */
export function formFieldsJson(text: string): string {
  const fields: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(text)) {
    const earlier = fields[name];
    if (earlier === undefined) fields[name] = value;
    else if (Array.isArray(earlier)) earlier.push(value);
    else fields[name] = [earlier, value];
  }
  return JSON.stringify(fields);
}

/**
 * The attribute of `attributes` (one body's) that holds a whole JSON document,
 * if any: the form, or a JSON body that was not cut at the limit (a cut
 * document would not parse).
 */
export function jsonBodyAttribute(
  attributes: Attributes,
  names: BodyNames,
  contentType: string | undefined
): string | undefined {
  if (names.form !== undefined && attributes[names.form] !== undefined) return names.form;
  if (attributes[names.content] === undefined || attributes[names.truncated] === true) return undefined;
  return contentType !== undefined && JSON_DOCUMENT_TYPE.test(contentType) ? names.content : undefined;
}

/** Logfire's JSON-schema hint naming these attributes (our own names: nothing to escape) as JSON objects. */
export function logfireJsonSchema(jsonAttributes: readonly string[]): string {
  return `{"type":"object","properties":{${jsonAttributes.map((name) => `"${name}":{"type":"object"}`).join()}}}`;
}
