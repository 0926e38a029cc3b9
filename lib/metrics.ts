/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { Attributes, Histogram, Meter, ValueType } from '@opentelemetry/api';
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

import { METRIC_HTTP_CLIENT_REQUEST_BODY_SIZE, METRIC_HTTP_CLIENT_RESPONSE_BODY_SIZE } from './semconv';

/** The advisory buckets of the stable HTTP conventions, in seconds. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** The span attributes that the conventions also put on the client metrics. */
const METRIC_ATTRIBUTE_KEYS = [
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_SCHEME,
  ATTR_ERROR_TYPE,
  ATTR_NETWORK_PROTOCOL_VERSION,
];

/** Picks the metric attributes out of a set of span attributes, copying into `into`. */
export function collectMetricAttributes(from: Attributes, into: Attributes): void {
  for (const key of METRIC_ATTRIBUTE_KEYS) {
    const value = from[key];
    if (value !== undefined) into[key] = value;
  }
}

/** The HTTP client instruments of one meter. */
export class ClientMetrics {
  private readonly duration: Histogram;
  private readonly requestBodySize: Histogram;
  private readonly responseBodySize: Histogram;

  constructor(meter: Meter) {
    this.duration = meter.createHistogram(METRIC_HTTP_CLIENT_REQUEST_DURATION, {
      description: 'Duration of HTTP client requests.',
      unit: 's',
      valueType: ValueType.DOUBLE,
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    this.requestBodySize = meter.createHistogram(METRIC_HTTP_CLIENT_REQUEST_BODY_SIZE, {
      description: 'Size of HTTP client request bodies.',
      unit: 'By',
      valueType: ValueType.INT,
    });
    this.responseBodySize = meter.createHistogram(METRIC_HTTP_CLIENT_RESPONSE_BODY_SIZE, {
      description: 'Size of HTTP client response bodies.',
      unit: 'By',
      valueType: ValueType.INT,
    });
  }

  /** One request's measurements, each left out when undefined (positional: an object per request would be one more allocation on every call). */
  record(
    durationSeconds: number | undefined,
    attributes: Attributes,
    requestBodySize: number | undefined,
    responseBodySize: number | undefined
  ): void {
    if (durationSeconds !== undefined) this.duration.record(durationSeconds, attributes);
    if (requestBodySize !== undefined) this.requestBodySize.record(requestBodySize, attributes);
    if (responseBodySize !== undefined) this.responseBodySize.record(responseBodySize, attributes);
  }
}
