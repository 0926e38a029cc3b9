/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import * as http from 'http';
import * as net from 'net';
import type { AddressInfo } from 'net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => void;

/**
 * The default routes:
 * - `/status/<code>`: that status, with a small JSON body;
 * - `/text?size=<n>`: `text/plain` of n characters;
 * - `/binary?size=<n>`: `application/octet-stream` of n bytes;
 * - `/chunks?count=<n>&size=<m>`: n chunks of m bytes, no Content-Length;
 * - `/redirect/<n>`: a chain of n 302s ending in the echo;
 * - `/redirect-loop`: a 302 to itself;
 * - `/slow?ms=<n>`: the echo after n ms;
 * - anything else: a JSON echo of the request (method, path, headers, body).
 */
export const defaultHandler: Handler = (req, res, body) => {
  // Prefixed, not resolved: a target like '//[x]/a' would be read as a host.
  const url = new URL('http://localhost' + (req.url ?? '/'));
  const size = Number(url.searchParams.get('size') ?? 0);
  const status = /^\/status\/(\d{3})$/.exec(url.pathname);
  const redirect = /^\/redirect\/(\d+)$/.exec(url.pathname);
  const echo = () => {
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.end(JSON.stringify({ method: req.method, path: req.url, headers: req.headers, body: body.toString('utf8') }));
  };
  if (status) {
    res.statusCode = Number(status[1]);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ status: res.statusCode }));
  } else if (url.pathname === '/text') {
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    res.end('x'.repeat(size));
  } else if (url.pathname === '/binary') {
    res.setHeader('content-type', 'application/octet-stream');
    res.end(Buffer.alloc(size, 7));
  } else if (url.pathname === '/chunks') {
    const count = Number(url.searchParams.get('count') ?? 1);
    res.setHeader('content-type', 'application/octet-stream');
    let sent = 0;
    const next = () => {
      if (sent === count) return res.end();
      res.write(Buffer.alloc(size, sent % 256));
      sent += 1;
      setImmediate(next);
    };
    next();
  } else if (redirect) {
    const left = Number(redirect[1]);
    res.statusCode = left > 0 ? 302 : 200;
    if (left > 0) {
      res.setHeader('location', `/redirect/${left - 1}`);
      res.end();
    } else echo();
  } else if (url.pathname === '/redirect-loop') {
    res.statusCode = 302;
    res.setHeader('location', '/redirect-loop');
    res.end();
  } else if (url.pathname === '/slow') {
    setTimeout(echo, Number(url.searchParams.get('ms') ?? 100));
  } else {
    echo();
  }
};

/** A real HTTP server on a free loopback port that records what it receives. */
export class TestServer {
  readonly received: ReceivedRequest[] = [];
  private constructor(private readonly server: http.Server) {}

  static async start(handler: Handler = defaultHandler): Promise<TestServer> {
    let testServer: TestServer | undefined;
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        testServer?.received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
        handler(req, res, body);
      });
    });
    testServer = new TestServer(server);
    // Node's default queue of 511 pending connections overflowed when a test
    // opened 1,000 sockets at once on a busy machine: the kernel reset the rest.
    await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 2048 }, resolve));
    return testServer;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  url(path = '/'): string {
    return this.origin + path;
  }

  /** The last request the server received. */
  get last(): ReceivedRequest {
    const request = this.received[this.received.length - 1];
    if (!request) throw new Error('the server received no request');
    return request;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A loopback port that nothing listens on: opened, then closed (for refused connections). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
