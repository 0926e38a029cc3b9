/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// A loopback OTLP/HTTP receiver for applications that export protobuf (as
// Logfire's SDK does). The bodies are decoded with the OTLP definitions that
// OpenTelemetry JS published: the protobufjs code that `@opentelemetry/otlp-transformer`
// generated from opentelemetry-proto and shipped until 0.216 (later releases
// write protobuf by hand and read none). The raw bytes are kept as well, so a
// test can look for a planted secret in exactly what was sent.

import * as http from 'http';
import type { AddressInfo } from 'net';
import { gunzipSync } from 'zlib';

/** The decoding half of a protobufjs-generated message type. */
interface MessageType {
  decode(bytes: Uint8Array): unknown;
  toObject(message: unknown, options: Record<string, unknown>): Record<string, unknown>;
}

interface GeneratedRoot {
  opentelemetry: {
    proto: {
      collector: {
        trace: { v1: { ExportTraceServiceRequest: MessageType } };
        metrics: { v1: { ExportMetricsServiceRequest: MessageType } };
      };
    };
  };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const generated = require('otlp-transformer-0.216/build/src/generated/root') as GeneratedRoot;
const { collector } = generated.opentelemetry.proto;

// bytes (ids) as base64 strings, 64-bit integers (times, counts) as decimal strings, enums as numbers.
const TO_OBJECT = { longs: String, bytes: String, enums: Number, defaults: false, arrays: true };

type OtlpValue = { stringValue?: string; boolValue?: boolean; intValue?: string; doubleValue?: number; arrayValue?: { values?: OtlpValue[] } };
type OtlpKeyValue = { key: string; value?: OtlpValue };

/** An OTLP AnyValue as the plain value the SDK was given. */
function plainValue(value: OtlpValue | undefined): unknown {
  if (!value) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(plainValue);
  return undefined;
}

function plainAttributes(attributes: OtlpKeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((attributes ?? []).map(({ key, value }) => [key, plainValue(value)]));
}

const hexId = (base64: unknown) => (typeof base64 === 'string' ? Buffer.from(base64, 'base64').toString('hex') : '');

/** One span as decoded: ids in hex, attributes as plain values. */
export interface ReceivedSpan {
  scope: string;
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  statusCode: number;
  attributes: Record<string, unknown>;
}

/** One histogram time series: its count over everything exported. */
export interface ReceivedHistogramPoint {
  scope: string;
  metric: string;
  count: number;
  attributes: Record<string, unknown>;
}

/** OTLP's AggregationTemporality: a delta point counts what came since the last export. */
const AGGREGATION_TEMPORALITY_DELTA = 1;

type Decoded = Record<string, unknown>;

/** The items of an export request (spans, metrics), with the name of the instrumentation scope of each group. */
function* itemsByScope(request: Decoded, resourceKey: string, scopeKey: string, itemKey: string): Generator<[string, Decoded[]]> {
  for (const resource of (request[resourceKey] ?? []) as Decoded[]) {
    for (const group of (resource[scopeKey] ?? []) as Decoded[]) {
      const scope = ((group.scope as Decoded | undefined)?.name as string | undefined) ?? '';
      yield [scope, (group[itemKey] ?? []) as Decoded[]];
    }
  }
}

export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  /**
   * One point per histogram series (scope, name, attributes): a cumulative
   * series (exported again at each flush and at shutdown) counts as its last
   * export says, a delta series as the sum of its exports.
   */
  private readonly series = new Map<string, ReceivedHistogramPoint>();
  /** Every export body as received (after gunzip), for byte searches. */
  readonly rawBodies: Buffer[] = [];
  /** The Authorization header of each export. */
  readonly authorizations: Array<string | undefined> = [];
  /** The paths exported to, in order (`/v1/traces`, `/v1/metrics`, `/v1/logs`). */
  readonly paths: string[] = [];

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<OtlpReceiver> {
    let receiver: OtlpReceiver | undefined;
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        try {
          let body = Buffer.concat(chunks);
          if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
          receiver?.receive(req.url ?? '', req.headers, body);
          // An empty ExportServiceResponse: no partial success to report.
          res.statusCode = 200;
          res.setHeader('content-type', 'application/x-protobuf');
          res.end();
        } catch (error) {
          res.statusCode = 400;
          res.end(String(error));
        }
      });
    });
    receiver = new OtlpReceiver(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Forgets everything received. */
  reset(): void {
    for (const list of [this.spans, this.rawBodies, this.authorizations, this.paths]) list.length = 0;
    this.series.clear();
  }

  get histogramPoints(): ReceivedHistogramPoint[] {
    return [...this.series.values()];
  }

  /** Whether `text` is anywhere in the bytes received. */
  sawBytesOf(text: string): boolean {
    const needle = Buffer.from(text, 'utf8');
    return this.rawBodies.some((body) => body.includes(needle));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private receive(path: string, headers: http.IncomingHttpHeaders, body: Buffer): void {
    this.paths.push(path);
    this.rawBodies.push(body);
    this.authorizations.push(headers.authorization);
    if (headers['content-type'] !== 'application/x-protobuf') throw new Error(`not protobuf: ${headers['content-type']}`);
    if (path === '/v1/traces') this.receiveTraces(body);
    else if (path === '/v1/metrics') this.receiveMetrics(body);
  }

  private receiveTraces(body: Buffer): void {
    const type = collector.trace.v1.ExportTraceServiceRequest;
    const request = type.toObject(type.decode(body), TO_OBJECT);
    for (const [scope, spans] of itemsByScope(request, 'resourceSpans', 'scopeSpans', 'spans')) {
      for (const span of spans) {
        this.spans.push({
          scope,
          name: span.name as string,
          kind: span.kind as number,
          traceId: hexId(span.traceId),
          spanId: hexId(span.spanId),
          parentSpanId: hexId(span.parentSpanId),
          statusCode: ((span.status as Decoded | undefined)?.code as number | undefined) ?? 0,
          attributes: plainAttributes(span.attributes as OtlpKeyValue[] | undefined),
        });
      }
    }
  }

  private receiveMetrics(body: Buffer): void {
    const type = collector.metrics.v1.ExportMetricsServiceRequest;
    const request = type.toObject(type.decode(body), TO_OBJECT);
    for (const [scope, metrics] of itemsByScope(request, 'resourceMetrics', 'scopeMetrics', 'metrics')) {
      for (const metric of metrics) {
        const histogram = metric.histogram as { dataPoints?: Decoded[]; aggregationTemporality?: number } | undefined;
        for (const point of histogram?.dataPoints ?? []) {
          const attributes = plainAttributes(point.attributes as OtlpKeyValue[] | undefined);
          const key = JSON.stringify([scope, metric.name, Object.entries(attributes).sort()]);
          const earlier = this.series.get(key);
          const count = Number(point.count);
          this.series.set(key, {
            scope,
            metric: metric.name as string,
            count: histogram?.aggregationTemporality === AGGREGATION_TEMPORALITY_DELTA ? (earlier?.count ?? 0) + count : count,
            attributes,
          });
        }
      }
    }
  }
}
