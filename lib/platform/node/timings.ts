/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import { context, diag, type Span } from '@opentelemetry/api';
import * as diagnosticsChannel from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import type { Socket } from 'node:net';
import { ATTR_NETWORK_PEER_ADDRESS, ATTR_NETWORK_PEER_PORT } from '@opentelemetry/semantic-conventions';

import {
  NETWORK_TIMINGS_KEY,
  NetworkTimings,
  NetworkTimingsHolder,
  recordNetworkTimings,
  SettledRequest,
} from '../../network-timings';
import { ATTR_AXIOS_CONNECTION_PROXY, ATTR_AXIOS_CONNECTION_REUSED } from '../../semconv';

// Where the phases of a request come from on Node. Nothing here reads a body
// or adds a listener the application could notice: Node's diagnostics channels
// say when a request is handed to a socket and when its response headers
// arrive; a new connection is watched through its socket's `lookup`, `connect`
// and `secureConnect` events (`once`, gone when they fire); a reused one has no
// phases to watch. The channels are shared by every request in the process,
// so each message first looks for an axios request's state in the active
// context, and stops there when it finds none.
//
// http adapter: `http.client.request.start` is published when the request has
// been handed to its socket (headers, and a body given whole), which for a new
// connection is while it is still being made: its lookup and connect are still
// ahead. `http.client.response.finish` is published when the response's
// headers are parsed, before the application's `response` listener runs.
//
// fetch adapter: undici publishes the request's creation, the connection it
// opens (in the context of the request that needs it), the headers sent on a
// socket, and the response headers. The DNS lookup and TLS handshake happen
// inside undici's connector and are not published: `connectEnd` includes them.

const TIMINGS = Symbol('opentelemetry-instrumentation-axios: network timings');

type Carrier = { [TIMINGS]?: NetworkTimings };

/** undici's new connections, by the request that opened them. */
const connectionsMade = new WeakMap<object, NetworkTimings>();

function timingsOfActiveRequest(): NetworkTimings | undefined {
  const holder = context.active().getValue(NETWORK_TIMINGS_KEY) as NetworkTimingsHolder | undefined;
  return holder === undefined ? undefined : holder.timings;
}

function readPeer(timings: NetworkTimings, socket: Socket | null | undefined): void {
  if (!socket || timings.peerAddress !== undefined) return;
  const address = socket.remoteAddress;
  if (address === undefined) return;
  timings.peerAddress = address;
  timings.peerPort = socket.remotePort;
}

/**
 * A request line in absolute form (`GET http://host/path`) is sent to a proxy;
 * a tunnel through one (`CONNECT`, for HTTPS) is made by an agent that names it.
 */
function sentThroughProxy(request: ClientRequest): boolean {
  const path = request.path;
  if (typeof path === 'string' && (path.startsWith('http:') || path.startsWith('https:'))) return true;
  const agent = (request as unknown as { agent?: { proxy?: unknown } }).agent;
  return typeof agent === 'object' && agent !== null && typeof agent.proxy === 'object' && agent.proxy !== null;
}

// ------------------------------------------------------------- http adapter

function onHttpRequestStart(message: unknown): void {
  const timings = timingsOfActiveRequest();
  // One request per attempt: another one made inside it (by a lookup function, say) is not this attempt.
  if (timings === undefined || timings.socketReused !== undefined) return;
  const request = (message as { request: ClientRequest }).request;
  timings.transportRequest = request;
  const now = performance.now();
  timings.viaProxy = sentThroughProxy(request);
  const socket = request.socket;
  if (request.reusedSocket) {
    timings.socketReused = true;
    timings.requestStart = now;
    readPeer(timings, socket);
  } else if (socket && socket.connecting) {
    timings.socketReused = false;
    watchConnection(timings, socket, now);
  } else {
    // A new connection already up (a streamed body held the request back): its phases were missed.
    timings.socketReused = false;
    timings.requestStart = now;
    readPeer(timings, socket);
  }
}

/**
 * The request is written and waits for its connection: the lookup (when the
 * host is a name) and the connection began a tick ago, with the socket.
 */
function watchConnection(timings: NetworkTimings, socket: Socket, begun: number): void {
  const secure = (socket as { encrypted?: boolean }).encrypted === true;
  timings.connectStart = begun;
  socket.once('lookup', (error: Error | null) => {
    timings.domainLookupStart = begun;
    if (error) {
      timings.connectStart = 0;
    } else {
      timings.domainLookupEnd = timings.connectStart = performance.now();
    }
  });
  socket.once('connect', () => {
    const now = performance.now();
    readPeer(timings, socket);
    if (secure) {
      timings.secureConnectionStart = now;
    } else {
      timings.connectEnd = timings.requestStart = now;
    }
  });
  if (secure) {
    socket.once('secureConnect', () => {
      timings.connectEnd = timings.requestStart = performance.now();
    });
  }
}

// Published in the request's own context (Node's parser runs in it), which
// finds its timings without marking Node's request object.
function onHttpResponseHeaders(message: unknown): void {
  const timings = timingsOfActiveRequest();
  if (timings === undefined || timings.responseStart !== 0) return;
  const { request, response } = message as { request: unknown; response: { socket?: Socket | null } };
  if (timings.transportRequest !== request) return;
  timings.responseStart = performance.now();
  readPeer(timings, response.socket);
}

// ------------------------------------------------------------ fetch adapter

function onUndiciRequestCreate(message: unknown): void {
  const timings = timingsOfActiveRequest();
  if (timings === undefined || timings.socketReused !== undefined) return;
  (message as { request: Carrier }).request[TIMINGS] = timings;
}

// undici opens a connection inside the dispatch of the request that needs it,
// so `beforeConnect` and `connected` run in that request's context.
function onUndiciBeforeConnect(): void {
  const timings = timingsOfActiveRequest();
  if (timings !== undefined && timings.socketReused === undefined && timings.connectStart === 0) {
    timings.connectStart = performance.now();
  }
}

function onUndiciConnected(message: unknown): void {
  const timings = timingsOfActiveRequest();
  const { socket } = message as { socket?: object };
  if (timings === undefined || timings.socketReused !== undefined || typeof socket !== 'object' || socket === null) return;
  timings.connectEnd = performance.now();
  connectionsMade.set(socket, timings);
}

function onUndiciSendHeaders(message: unknown): void {
  const { request, socket } = message as { request: Carrier; socket?: Socket };
  const timings = request[TIMINGS];
  if (timings === undefined || timings.socketReused !== undefined) return;
  timings.requestStart = performance.now();
  // A connection this request opened may have gone to another one queued before it, and this one out on a kept-alive one.
  timings.socketReused = socket === undefined || connectionsMade.get(socket) !== timings;
  if (timings.socketReused) timings.connectStart = timings.connectEnd = 0;
  readPeer(timings, socket);
}

function onUndiciResponseHeaders(message: unknown): void {
  const timings = (message as { request: Carrier }).request[TIMINGS];
  if (timings !== undefined && timings.responseStart === 0) timings.responseStart = performance.now();
}

// ------------------------------------------------------ http adapter, HTTP/2

// axios sends an HTTP/2 request (`httpVersion: 2`) as a stream of a session it
// keeps per origin. Node publishes the stream's creation, its headers sent and
// the response headers from Node 22 on; on Node 20 there is nothing to watch.

interface Http2StreamLike {
  session?: { connecting?: boolean; once?(event: string, listener: () => void): unknown; socket?: Socket };
}

function onHttp2StreamCreated(message: unknown): void {
  const timings = timingsOfActiveRequest();
  if (timings === undefined || timings.socketReused !== undefined) return;
  const stream = (message as { stream: Http2StreamLike & Carrier }).stream;
  stream[TIMINGS] = timings;
  const session = stream.session;
  if (session && session.connecting === true && typeof session.once === 'function') {
    // The session was opened for this request, a moment ago.
    timings.socketReused = false;
    timings.connectStart = performance.now();
    session.once('connect', () => {
      // Node publishes the stream's start before the session's `connect` listeners run.
      timings.connectEnd = timings.requestStart !== 0 ? timings.requestStart : performance.now();
    });
  } else {
    timings.socketReused = true;
  }
}

function onHttp2StreamStart(message: unknown): void {
  const timings = (message as { stream: Carrier }).stream[TIMINGS];
  if (timings !== undefined && timings.requestStart === 0) timings.requestStart = performance.now();
}

function onHttp2ResponseHeaders(message: unknown): void {
  const stream = (message as { stream: Http2StreamLike & Carrier }).stream;
  const timings = stream[TIMINGS];
  if (timings === undefined || timings.responseStart !== 0) return;
  timings.responseStart = performance.now();
  readPeer(timings, stream.session?.socket);
}

// ------------------------------------------------------------ subscription

/**
 * A subscriber that throws has its error thrown again by Node on the next tick,
 * where nothing catches it: every one runs guarded.
 */
function guarded(what: string, onMessage: (message: unknown) => void): (message: unknown) => void {
  return (message) => {
    if (watchers.size === 0) return;
    try {
      onMessage(message);
    } catch (error) {
      diag.error(`opentelemetry-instrumentation-axios: failed while recording ${what}`, error);
    }
  };
}

const SUBSCRIPTIONS: ReadonlyArray<[string, (message: unknown) => void]> = [
  ['http.client.request.start', guarded('a request start', onHttpRequestStart)],
  ['http.client.response.finish', guarded('a response start', onHttpResponseHeaders)],
  ['http2.client.stream.created', guarded('an HTTP/2 stream', onHttp2StreamCreated)],
  ['http2.client.stream.start', guarded('an HTTP/2 request start', onHttp2StreamStart)],
  ['http2.client.stream.finish', guarded('an HTTP/2 response start', onHttp2ResponseHeaders)],
  ['undici:request:create', guarded('a fetch request', onUndiciRequestCreate)],
  ['undici:client:beforeConnect', guarded('a fetch connection start', onUndiciBeforeConnect)],
  ['undici:client:connected', guarded('a fetch connection', onUndiciConnected)],
  ['undici:client:sendHeaders', guarded('a fetch request start', onUndiciSendHeaders)],
  ['undici:request:headers', guarded('a fetch response start', onUndiciResponseHeaders)],
];

/** The enabled instrumentations that watch. */
const watchers = new Set<object>();
let subscribed = false;

/**
 * Starts recording the network phases of axios requests for an enabled
 * instrumentation (counted once, however often it is enabled). The channels
 * are subscribed once and stay subscribed: a channel's first subscriber and
 * its last unsubscribe change the prototype of Node's channel object, which
 * throws away the optimised code of Node's HTTP client each time; an
 * application that toggles the instrumentation would pay for that again and
 * again. Unwatched, a message costs a look at the set of watchers.
 */
export function watchNetworkTimings(instrumentation: object): void {
  watchers.add(instrumentation);
  if (subscribed || typeof diagnosticsChannel.subscribe !== 'function') return;
  subscribed = true;
  for (const [name, onMessage] of SUBSCRIPTIONS) diagnosticsChannel.subscribe(name, onMessage);
}

/** Stops, once every instrumentation that called watchNetworkTimings() has called this. */
export function unwatchNetworkTimings(instrumentation: object): void {
  watchers.delete(instrumentation);
}

/** Follows the phases of an attempt handed to the transport now, found through NETWORK_TIMINGS_KEY while it runs. */
export function startNetworkTimings(_href: string | undefined, withEvents: boolean): NetworkTimings {
  return new NetworkTimings(performance.now(), withEvents);
}

/** The attributes of the connection an attempt went out on, which only Node sees. */
function recordConnection(span: Span, timings: NetworkTimings): void {
  if (timings.peerAddress) span.setAttribute(ATTR_NETWORK_PEER_ADDRESS, timings.peerAddress);
  if (timings.peerPort) span.setAttribute(ATTR_NETWORK_PEER_PORT, timings.peerPort);
  if (timings.socketReused !== undefined) span.setAttribute(ATTR_AXIOS_CONNECTION_REUSED, timings.socketReused);
  if (timings.viaProxy) span.setAttribute(ATTR_AXIOS_CONNECTION_PROXY, true);
}

/** The attempt settled: everything Node shows of it has been seen; its phases are recorded and the span ended. */
export function finishNetworkTimings(timings: NetworkTimings, span: Span, settled: SettledRequest, done: () => void): void {
  try {
    if (span.isRecording()) {
      recordConnection(span, timings);
      recordNetworkTimings(span, timings, settled.timeOrigin);
    }
  } finally {
    done();
  }
}
