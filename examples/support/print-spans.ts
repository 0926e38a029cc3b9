/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { SpanKind, SpanStatusCode, type AttributeValue } from '@opentelemetry/api';
import { ExportResultCode, hrTimeToMilliseconds, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_URL_FULL } from '@opentelemetry/semantic-conventions';

// Shown first, on lines of their own; every other attribute follows, sorted.
const HEADLINE_ATTRIBUTES: readonly string[] = [ATTR_URL_FULL, ATTR_HTTP_RESPONSE_STATUS_CODE];

function formatValue(value: AttributeValue | undefined): string {
  if (value === undefined) return '(not set)';
  if (Array.isArray(value)) return JSON.stringify(value);
  // Bodies can hold line breaks, which would break the layout: quote those.
  if (typeof value === 'string') return /[\u0000-\u001f]/.test(value) ? JSON.stringify(value) : value;
  return String(value);
}

function formatStatus(span: ReadableSpan): string {
  const { code, message } = span.status;
  return message ? `${SpanStatusCode[code]} (${message})` : SpanStatusCode[code];
}

export function formatSpan(span: ReadableSpan): string {
  const { traceId, spanId } = span.spanContext();
  const scope = span.instrumentationScope;
  const lines = [
    `span "${span.name}" ${SpanKind[span.kind]}`,
    `  scope: ${scope.name}${scope.version ? `@${scope.version}` : ''}`,
    `  trace/span id: ${traceId}/${spanId}`,
    ...HEADLINE_ATTRIBUTES.map((name) => `  ${name}: ${formatValue(span.attributes[name])}`),
    `  duration: ${hrTimeToMilliseconds(span.duration).toFixed(2)} ms`,
    `  status: ${formatStatus(span)}`,
    '  attributes:',
  ];
  const others = Object.keys(span.attributes)
    .filter((name) => !HEADLINE_ATTRIBUTES.includes(name))
    .sort();
  for (const name of others) lines.push(`    ${name}: ${formatValue(span.attributes[name])}`);
  for (const event of span.events) {
    lines.push(`  event "${event.name}":`);
    for (const name of Object.keys(event.attributes ?? {}).sort()) {
      lines.push(`    ${name}: ${formatValue(event.attributes?.[name])}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** Prints each finished span as readable text. */
export class PrintSpansExporter implements SpanExporter {
  constructor(private readonly write: (text: string) => void = (text) => process.stdout.write(text)) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    for (const span of spans) this.write(formatSpan(span));
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
