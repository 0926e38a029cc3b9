/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// The phases of a request as span events on Node (fetchStart ... responseEnd,
// the names of OpenTelemetry's web instrumentations), against real loopback
// servers: a new TLS connection, a kept-alive one, a redirect hop, HTTP/2, a
// proxy, the fetch adapter, and five faults, each of which must leave the
// events stopped where it struck and the application's outcome unchanged.

import * as assert from 'assert';
import * as diagnosticsChannel from 'diagnostics_channel';
import * as http from 'http';
import * as http2 from 'http2';
import * as https from 'https';
import type { AddressInfo } from 'net';
import type { Readable } from 'stream';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_NETWORK_PEER_ADDRESS,
  ATTR_NETWORK_PEER_PORT,
  ATTR_NETWORK_PROTOCOL_VERSION,
} from '@opentelemetry/semantic-conventions';

import { ATTR_AXIOS_CONNECTION_PROXY, ATTR_AXIOS_CONNECTION_REUSED } from '../lib/semconv';
import { onlySpan } from './support/assertions';
import { outcomeSummary, runBothWays } from './support/outcomes';
import { closedPort, TestServer } from './support/server';
import { useInstrumentation, useTestServer } from './support/suite';
import { axios, finishedSpans, resetInstrumentation } from './support/telemetry';
import { makeSelfSignedCertificate, SelfSignedCertificate } from './support/tls';

const FRESH_TLS = [
  'fetchStart',
  'domainLookupStart',
  'domainLookupEnd',
  'connectStart',
  'secureConnectionStart',
  'connectEnd',
  'requestStart',
  'responseStart',
  'responseEnd',
];
const FRESH_PLAIN_BY_ADDRESS = ['fetchStart', 'connectStart', 'connectEnd', 'requestStart', 'responseStart', 'responseEnd'];
const REUSED = ['fetchStart', 'requestStart', 'responseStart', 'responseEnd'];

function millis([seconds, nanos]: [number, number]): number {
  return seconds * 1e3 + nanos / 1e6;
}

/** The span's network events, which must be in time order and inside the span (`exception` is stamped by the SDK's own clock). */
function eventNames(span: ReadableSpan): string[] {
  const start = millis(span.startTime);
  const end = millis(span.endTime);
  const events = span.events.filter((event) => event.name !== 'exception');
  let last = start;
  for (const event of events) {
    const time = millis(event.time);
    // The SDK keeps nanoseconds as integers: allow a rounding's worth.
    assert.ok(time >= last - 0.001, `${event.name} comes after the event before it`);
    assert.ok(time <= end + 0.001, `${event.name} is inside the span`);
    last = time;
  }
  return events.map((event) => event.name);
}

function listen<T extends http.Server | https.Server | http2.Http2Server>(server: T): Promise<T> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function portOf(server: { address(): AddressInfo | string | null }): number {
  return (server.address() as AddressInfo).port;
}

function close(server: http.Server | https.Server | http2.Http2Server): Promise<void> {
  if ('closeAllConnections' in server) server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

describe('network events (Node)', () => {
  const server = useTestServer();
  useInstrumentation();

  let tls: SelfSignedCertificate;
  let httpsServer: https.Server;
  before(async () => {
    tls = makeSelfSignedCertificate();
    httpsServer = await listen(https.createServer(tls, (req, res) => res.end('secure')));
  });
  after(() => close(httpsServer));

  it('a new TLS connection: lookup, connect, handshake, request, response, in order, with the peer', async () => {
    const agent = new https.Agent({ ca: tls.cert, keepAlive: true });
    try {
      const port = portOf(httpsServer);
      await axios.get(`https://localhost:${port}/`, { httpsAgent: agent });
      const span = onlySpan();
      assert.deepStrictEqual(eventNames(span), FRESH_TLS);
      assert.strictEqual(span.attributes[ATTR_NETWORK_PEER_ADDRESS], '127.0.0.1');
      assert.strictEqual(span.attributes[ATTR_NETWORK_PEER_PORT], port);
      assert.strictEqual(span.attributes[ATTR_AXIOS_CONNECTION_REUSED], false);
      assert.strictEqual(span.attributes[ATTR_AXIOS_CONNECTION_PROXY], undefined);
    } finally {
      agent.destroy();
    }
  });

  it('a kept-alive connection: no lookup or connect, and the span says it was reused', async () => {
    const agent = new http.Agent({ keepAlive: true });
    try {
      await axios.get(server.url('/'), { httpAgent: agent });
      await axios.get(server.url('/'), { httpAgent: agent });
      const [first, second] = finishedSpans();
      assert.deepStrictEqual(eventNames(first), FRESH_PLAIN_BY_ADDRESS);
      assert.deepStrictEqual(eventNames(second), REUSED);
      assert.strictEqual(first.attributes[ATTR_AXIOS_CONNECTION_REUSED], false);
      assert.strictEqual(second.attributes[ATTR_AXIOS_CONNECTION_REUSED], true);
      assert.strictEqual(second.attributes[ATTR_NETWORK_PEER_ADDRESS], '127.0.0.1');
      assert.strictEqual(second.attributes[ATTR_NETWORK_PEER_PORT], server.port);
    } finally {
      agent.destroy();
    }
  });

  it('each redirect hop has its own events, the second after the first', async () => {
    const agent = new http.Agent({ keepAlive: true });
    try {
      await axios.get(server.url('/redirect/1'), { httpAgent: agent });
      const [hop, final] = finishedSpans();
      const hopNames = eventNames(hop);
      assert.deepStrictEqual(hopNames.slice(-3), ['requestStart', 'responseStart', 'responseEnd']);
      assert.strictEqual(hopNames[0], 'fetchStart');
      const finalNames = eventNames(final);
      assert.strictEqual(finalNames[0], 'fetchStart');
      assert.deepStrictEqual(finalNames.slice(-3), ['requestStart', 'responseStart', 'responseEnd']);
      // Each span is anchored to the wall clock (Date.now(), whole milliseconds) on its own: compared across spans, allow one.
      assert.ok(millis(final.events[0].time) >= millis(hop.events[hop.events.length - 1].time) - 1);
      for (const span of [hop, final]) assert.strictEqual(span.attributes[ATTR_NETWORK_PEER_PORT], server.port);
    } finally {
      agent.destroy();
    }
  });

  it('ignoreNetworkEvents: no events, the connection attributes stay', async () => {
    resetInstrumentation({ ignoreNetworkEvents: true });
    await axios.get(server.url('/'));
    const span = onlySpan();
    assert.deepStrictEqual(span.events, []);
    assert.strictEqual(span.attributes[ATTR_NETWORK_PEER_ADDRESS], '127.0.0.1');
    assert.strictEqual(typeof span.attributes[ATTR_AXIOS_CONNECTION_REUSED], 'boolean');
  });

  it("responseType 'stream': responseEnd when the stream is handed over, and nothing reads it", async () => {
    const { outcome } = await runBothWays(
      () => axios.get(server.url('/text?size=100000'), { responseType: 'stream' }),
      (result) => {
        const stream = result.response?.data as Readable | undefined;
        return {
          ...outcomeSummary(result),
          flowing: stream?.readableFlowing,
          dataListeners: stream?.listenerCount('data'),
          endListeners: stream?.listenerCount('end'),
        };
      }
    );
    const span = finishedSpans()[0];
    assert.strictEqual(eventNames(span).pop(), 'responseEnd');
    let length = 0;
    for await (const chunk of outcome.response?.data as Readable) length += (chunk as Buffer).length;
    assert.strictEqual(length, 100000);
  });

  it('through a proxy: the connection is to the proxy, and the span says so', async () => {
    const proxy = await listen(
      http.createServer((req, res) => {
        const target = new URL(req.url as string);
        const forwarded = http.request(
          { host: target.hostname, port: target.port, path: target.pathname, method: req.method, headers: req.headers },
          (answer) => {
            res.writeHead(answer.statusCode as number, answer.headers);
            answer.pipe(res);
          }
        );
        req.pipe(forwarded);
      })
    );
    try {
      await axios.get(server.url('/'), { proxy: { protocol: 'http', host: '127.0.0.1', port: portOf(proxy) } });
      const span = onlySpan();
      assert.strictEqual(span.attributes[ATTR_AXIOS_CONNECTION_PROXY], true);
      assert.strictEqual(span.attributes[ATTR_NETWORK_PEER_PORT], portOf(proxy));
      assert.deepStrictEqual(eventNames(span).slice(-3), ['requestStart', 'responseStart', 'responseEnd']);
    } finally {
      await close(proxy);
    }
  });

  it('HTTP/2: network.protocol.version "2", and the stream\'s phases where Node publishes them', async () => {
    // Node publishes an HTTP/2 stream's creation, start and response from Node 22 on; find out here.
    let published = false;
    const probe = () => {
      published = true;
    };
    diagnosticsChannel.subscribe('http2.client.stream.created', probe);
    const h2 = await listen(
      http2.createServer().on('stream', (stream) => {
        stream.respond({ ':status': 200, 'content-type': 'text/plain' });
        stream.end('over http/2');
      })
    );
    const session = http2.connect(`http://127.0.0.1:${portOf(h2)}`);
    try {
      await new Promise<void>((resolve, reject) => {
        const stream = session.request({ ':path': '/' });
        stream.on('error', reject).on('end', resolve).resume();
      });
      diagnosticsChannel.unsubscribe('http2.client.stream.created', probe);
      const response = await axios.get(`http://127.0.0.1:${portOf(h2)}/`, { httpVersion: 2 });
      assert.strictEqual(response.data, 'over http/2');
      const span = onlySpan();
      assert.strictEqual(span.attributes[ATTR_NETWORK_PROTOCOL_VERSION], '2');
      if (published) {
        assert.deepStrictEqual(eventNames(span), FRESH_PLAIN_BY_ADDRESS);
        assert.strictEqual(span.attributes[ATTR_NETWORK_PEER_PORT], portOf(h2));
        assert.strictEqual(span.attributes[ATTR_AXIOS_CONNECTION_REUSED], false);
      } else {
        assert.deepStrictEqual(eventNames(span), ['fetchStart', 'responseEnd']);
      }
    } finally {
      diagnosticsChannel.unsubscribe('http2.client.stream.created', probe);
      session.close();
      await close(h2);
    }
  });

  it('the fetch adapter: undici\'s connection, request and response, and a kept-alive connection reused', async () => {
    // A server of its own: undici keeps connections per origin.
    const own = await TestServer.start();
    try {
      await axios.get(own.url('/'), { adapter: 'fetch' });
      // undici frees a connection only once it has read the end of the response.
      await new Promise((resolve) => setTimeout(resolve, 50));
      await axios.get(own.url('/'), { adapter: 'fetch' });
      const [first, second] = finishedSpans();
      assert.deepStrictEqual(eventNames(first), FRESH_PLAIN_BY_ADDRESS);
      assert.strictEqual(first.attributes[ATTR_AXIOS_CONNECTION_REUSED], false);
      assert.strictEqual(first.attributes[ATTR_NETWORK_PEER_PORT], own.port);
      assert.deepStrictEqual(eventNames(second), REUSED);
      assert.strictEqual(second.attributes[ATTR_AXIOS_CONNECTION_REUSED], true);
    } finally {
      await own.close();
    }
  });

  describe('faults: the events stop where the failure struck, and the application sees the same', () => {
    /** Runs the call traced and untraced; returns the one span's event names. */
    async function eventsOfFault(call: () => Promise<unknown>): Promise<{ names: string[]; span: ReadableSpan }> {
      const { outcome, spans } = await runBothWays(call);
      assert.ok(outcome.error, 'the request failed');
      assert.strictEqual(spans.length, 1);
      return { names: eventNames(spans[0]), span: spans[0] };
    }

    it('a name that does not resolve: the lookup began and never ended', async () => {
      const { names } = await eventsOfFault(() => axios.get('http://no-such-host.invalid/', { httpAgent: new http.Agent() }));
      assert.deepStrictEqual(names, ['fetchStart', 'domainLookupStart']);
    });

    it('a refused connection: the connection began and never ended', async () => {
      const port = await closedPort();
      const { names, span } = await eventsOfFault(() => axios.get(`http://127.0.0.1:${port}/`, { httpAgent: new http.Agent() }));
      assert.deepStrictEqual(names, ['fetchStart', 'connectStart']);
      assert.strictEqual(span.attributes[ATTR_AXIOS_CONNECTION_REUSED], false);
    });

    it('a certificate the client does not trust: the handshake began and never ended', async () => {
      const port = portOf(httpsServer);
      const { names, span } = await eventsOfFault(() => axios.get(`https://127.0.0.1:${port}/`, { httpsAgent: new https.Agent() }));
      assert.deepStrictEqual(names, ['fetchStart', 'connectStart', 'secureConnectionStart']);
      assert.strictEqual(span.attributes[ATTR_NETWORK_PEER_PORT], port);
    });

    it('a timeout before the first byte: the request went out, no response began', async () => {
      const { names } = await eventsOfFault(() =>
        axios.get(server.url('/slow?ms=1000'), { timeout: 100, httpAgent: new http.Agent() })
      );
      assert.deepStrictEqual(names, FRESH_PLAIN_BY_ADDRESS.slice(0, -2));
    });

    it('a reset in mid-body: the response began and never ended', async () => {
      const resetting = await listen(
        http.createServer((req, res) => {
          res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '100000' });
          res.write('x'.repeat(1000), () => setTimeout(() => res.socket?.resetAndDestroy?.() ?? res.destroy(), 20));
        })
      );
      try {
        const { names } = await eventsOfFault(() =>
          axios.get(`http://127.0.0.1:${portOf(resetting)}/`, { httpAgent: new http.Agent() })
        );
        assert.deepStrictEqual(names, FRESH_PLAIN_BY_ADDRESS.slice(0, -1));
      } finally {
        await close(resetting);
      }
    });
  });
});
