/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// A stand-in for httpbin.org on 127.0.0.1, so that no example needs the network.

import * as http from 'http';
import type { AddressInfo } from 'net';

export interface LoopbackServer {
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  readonly baseUrl: string;
  close(): Promise<void>;
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * The routes, shaped like httpbin's:
 * - `/cookies`: two `Set-Cookie` headers and a JSON body;
 * - `/status/<code>`: that status with a small JSON body;
 * - anything else (`/get`, `/post`, ...): a JSON echo of the request, with the
 *   query as `args`, the headers the server received, the raw body as `data`
 *   and the parsed body as `json`.
 */
function handle(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const status = /^\/status\/(\d{3})$/.exec(url.pathname);
  if (url.pathname === '/cookies') {
    res.setHeader('set-cookie', ['session=example-session-id; Path=/; HttpOnly', 'theme=dark; Path=/']);
    sendJson(res, 200, { cookies: { session: 'example-session-id', theme: 'dark' } });
  } else if (status) {
    sendJson(res, Number(status[1]), { status: Number(status[1]) });
  } else {
    sendJson(res, 200, {
      method: req.method,
      url: req.url,
      args: Object.fromEntries(url.searchParams),
      headers: req.headers,
      data: body,
      json: parseJson(body),
    });
  }
}

export function startLoopbackServer(): Promise<LoopbackServer> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        baseUrl: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            // axios keeps connections alive; end them so the process can exit.
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

/**
 * Runs an example's `main` against a fresh loopback server: what each example
 * does when it is the file node was asked to run.
 */
export function runStandalone(main: (baseUrl: string) => Promise<void>): void {
  void (async () => {
    const server = await startLoopbackServer();
    try {
      await main(server.baseUrl);
    } catch (error) {
      console.error(error);
      process.exitCode = 1;
    } finally {
      await server.close();
    }
  })();
}
