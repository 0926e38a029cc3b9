/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// An ESM application that knows nothing of OpenTelemetry. Run it from the
// repository root with the tracing set up by register.mjs:
//   node --import ./examples/esm/register.mjs examples/esm/app.mjs

import axios from 'axios';
import { createServer } from 'node:http';

// A loopback server that echoes the request headers, so no network is needed.
const server = createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ headers: req.headers }));
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

try {
  const { port } = server.address();
  const response = await axios.get(`http://127.0.0.1:${port}/get`);
  // The span's context travelled with the request.
  console.log(`GET /get -> ${response.status}; the server received traceparent ${response.data.headers.traceparent}`);
} finally {
  server.closeAllConnections();
  server.close();
}
