/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import * as assert from 'assert';
import { metrics, SpanKind } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPoint,
  Histogram,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_SCHEME,
  METRIC_HTTP_CLIENT_REQUEST_DURATION,
} from '@opentelemetry/semantic-conventions';

import { DURATION_BUCKETS } from '../lib/metrics';
import { METRIC_HTTP_CLIENT_REQUEST_BODY_SIZE, METRIC_HTTP_CLIENT_RESPONSE_BODY_SIZE } from '../lib/semconv';
import { useTestServer } from './support/suite';
import { PACKAGE_NAME } from '../lib/version';
import {
  axios,
  finishedSpans,
  httpInstrumentation,
  instrumentation,
  resetInstrumentation,
  withHttpInstrumentation,
} from './support/telemetry';

describe('metrics: http.client.request.duration and the opt-in body sizes', () => {
  const server = useTestServer();
  let exporter: InMemoryMetricExporter;
  let reader: PeriodicExportingMetricReader;
  let meterProvider: MeterProvider;

  after(async () => {
    instrumentation.setMeterProvider(metrics.getMeterProvider());
  });
  beforeEach(() => {
    exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
    meterProvider = new MeterProvider({ readers: [reader] });
    instrumentation.setMeterProvider(meterProvider);
  });
  afterEach(() => meterProvider.shutdown());

  async function histogram(name: string): Promise<{ unit: string; points: Array<DataPoint<Histogram>> }> {
    await reader.forceFlush();
    const metric = exporter
      .getMetrics()
      .flatMap((resource) => resource.scopeMetrics)
      .flatMap((scope) => scope.metrics)
      .find((candidate) => candidate.descriptor.name === name);
    assert.ok(metric, `no ${name} was exported`);
    return { unit: metric.descriptor.unit, points: metric.dataPoints as Array<DataPoint<Histogram>> };
  }

  it('records one duration in seconds, with the advisory buckets and the conventions attributes', async () => {
    resetInstrumentation();
    await axios.get(server.url('/ok'));
    const { unit, points } = await histogram(METRIC_HTTP_CLIENT_REQUEST_DURATION);
    assert.strictEqual(unit, 's');
    assert.strictEqual(points.length, 1);
    const [point] = points;
    assert.strictEqual(point.value.count, 1);
    assert.deepStrictEqual(point.value.buckets.boundaries, DURATION_BUCKETS);
    const seconds = point.value.sum ?? -1;
    assert.ok(seconds > 0 && seconds < 10, `a duration in seconds, got ${seconds}`);
    assert.deepStrictEqual(point.attributes, {
      [ATTR_HTTP_REQUEST_METHOD]: 'GET',
      [ATTR_HTTP_RESPONSE_STATUS_CODE]: 200,
      [ATTR_SERVER_ADDRESS]: '127.0.0.1',
      [ATTR_SERVER_PORT]: server.port,
      [ATTR_URL_SCHEME]: 'http',
      [ATTR_NETWORK_PROTOCOL_VERSION]: '1.1',
    });
  });

  it('the span starts at the call and ends at the answer, wall-clock times whose difference is the recorded duration', async () => {
    resetInstrumentation();
    // A request interceptor that waits: the span's start is the call's, not the send's.
    const client = axios.create();
    client.interceptors.request.use(async (config) => {
      await new Promise((resolve) => setTimeout(resolve, 40));
      return config;
    });
    const calledAt = Date.now();
    await client.get(server.url('/slow?ms=60'));
    const answeredAt = Date.now();
    const [span] = finishedSpans();
    const millis = ([seconds, nanos]: [number, number]) => seconds * 1000 + nanos / 1e6;
    const start = millis(span.startTime);
    const end = millis(span.endTime);
    // Date.now() is whole milliseconds; the span's times are finer.
    assert.ok(start >= calledAt - 1 && start <= calledAt + 20, `started ${start - calledAt} ms after the call`);
    assert.ok(end <= answeredAt + 1 && end >= start + 100, `ended ${answeredAt - end} ms before the answer, ${end - start} ms after the start`);
    assert.ok(span.startTime[1] < 1e9 && span.endTime[1] < 1e9, 'nanoseconds below a second');
    const { points } = await histogram(METRIC_HTTP_CLIENT_REQUEST_DURATION);
    const recordedMillis = (points[0].value.sum ?? -1) * 1000;
    assert.ok(Math.abs(recordedMillis - millis(span.duration)) < 0.01, `duration ${millis(span.duration)} ms, recorded ${recordedMillis} ms`);
  });

  it('records failures with error.type: a 500, a refused connection, a cancellation', async () => {
    resetInstrumentation();
    await axios.get(server.url('/status/500')).catch(() => undefined);
    await axios.get('http://127.0.0.1:1/').catch(() => undefined);
    const controller = new AbortController();
    controller.abort();
    await axios.get(server.url('/never'), { signal: controller.signal }).catch(() => undefined);
    const { points } = await histogram(METRIC_HTTP_CLIENT_REQUEST_DURATION);
    const errorTypes = points.map((point) => point.attributes[ATTR_ERROR_TYPE]).sort();
    assert.deepStrictEqual(errorTypes, ['500', 'ECONNREFUSED', 'ERR_CANCELED']);
    const serverError = points.find((point) => point.attributes[ATTR_ERROR_TYPE] === '500');
    assert.strictEqual(serverError?.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE], 500);
  });

  it('records one duration per redirect hop, each with its own status code', async () => {
    resetInstrumentation();
    await axios.get(server.url('/redirect/2'));
    const { points } = await histogram(METRIC_HTTP_CLIENT_REQUEST_DURATION);
    const counts = Object.fromEntries(points.map((point) => [point.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE], point.value.count]));
    assert.deepStrictEqual(counts, { 302: 2, 200: 1 });
  });

  it('records no body sizes unless bodySizeMetrics is on', async () => {
    resetInstrumentation();
    await axios.post(server.url('/echo'), { hello: 'world' });
    await reader.forceFlush();
    const names = exporter
      .getMetrics()
      .flatMap((resource) => resource.scopeMetrics)
      .flatMap((scope) => scope.metrics)
      .filter((metric) => metric.dataPoints.length > 0)
      .map((metric) => metric.descriptor.name);
    assert.deepStrictEqual(names, [METRIC_HTTP_CLIENT_REQUEST_DURATION]);
  });

  it('with bodySizeMetrics, records the sent and received body sizes in bytes', async () => {
    resetInstrumentation({ bodySizeMetrics: true });
    const body = { hello: 'wörld' };
    const response = await axios.post(server.url('/echo'), body, { responseType: 'arraybuffer' });
    const requestSizes = await histogram(METRIC_HTTP_CLIENT_REQUEST_BODY_SIZE);
    const responseSizes = await histogram(METRIC_HTTP_CLIENT_RESPONSE_BODY_SIZE);
    assert.strictEqual(requestSizes.unit, 'By');
    assert.strictEqual(requestSizes.points[0].value.sum, Buffer.byteLength(JSON.stringify(body)));
    assert.strictEqual(responseSizes.points[0].value.sum, (response.data as Buffer).byteLength);
  });

  describe('beside @opentelemetry/instrumentation-http, which records the same metric for the requests it sees', () => {
    beforeEach(() => httpInstrumentation.setMeterProvider(meterProvider));
    after(() => httpInstrumentation.setMeterProvider(metrics.getMeterProvider()));

    /** The duration points' counts by instrumentation scope. */
    async function durationCountsByScope(): Promise<Record<string, number>> {
      await reader.forceFlush();
      const counts: Record<string, number> = {};
      for (const scopeMetrics of exporter.getMetrics().flatMap((resource) => resource.scopeMetrics)) {
        for (const metric of scopeMetrics.metrics) {
          if (metric.descriptor.name !== METRIC_HTTP_CLIENT_REQUEST_DURATION) continue;
          for (const point of metric.dataPoints as Array<DataPoint<Histogram>>) {
            counts[scopeMetrics.scope.name] = (counts[scopeMetrics.scope.name] ?? 0) + point.value.count;
          }
        }
      }
      return counts;
    }

    it("by default each request (and redirect hop) is counted once: the transport's point, our span still there", async () => {
      resetInstrumentation();
      await withHttpInstrumentation(async () => {
        await axios.get(server.url('/echo'));
        await axios.get(server.url('/redirect/1'));
      });
      assert.deepStrictEqual(await durationCountsByScope(), { '@opentelemetry/instrumentation-http': 3 });
      // Our CLIENT spans (instrumentation-http traces the test server's side as well).
      assert.deepStrictEqual(
        finishedSpans()
          .filter((span) => span.kind === SpanKind.CLIENT)
          .map((span) => span.instrumentationScope.name),
        [PACKAGE_NAME, PACKAGE_NAME, PACKAGE_NAME]
      );
    });

    it('a request that never reached the transport is counted by this package', async () => {
      resetInstrumentation();
      const failing = axios.create();
      failing.interceptors.request.use(() => {
        throw new Error('refused by an interceptor');
      });
      await withHttpInstrumentation(async () => {
        await assert.rejects(failing.get(server.url('/never-sent')), /refused by an interceptor/);
        await assert.rejects(axios.get('ftp://127.0.0.1/unsupported'));
      });
      assert.deepStrictEqual(await durationCountsByScope(), { [PACKAGE_NAME]: 2 });
    });

    it("durationMetric: 'always' records every request here too (for an application that drops the transport's copy)", async () => {
      resetInstrumentation({ durationMetric: 'always' });
      await withHttpInstrumentation(() => axios.get(server.url('/echo')));
      assert.deepStrictEqual(await durationCountsByScope(), { '@opentelemetry/instrumentation-http': 1, [PACKAGE_NAME]: 1 });
    });

    it('without instrumentation-http at work, this package records', async () => {
      resetInstrumentation();
      await axios.get(server.url('/echo'));
      assert.deepStrictEqual(await durationCountsByScope(), { [PACKAGE_NAME]: 1 });
    });
  });
});
