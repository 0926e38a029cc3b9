'use strict';
// The benchmark's server, in its own process: canned JSON bodies of the sizes
// the benchmark asks for, over keep-alive connections.

const http = require('http');

const bodies = new Map();
function jsonBody(size) {
  let body = bodies.get(size);
  if (!body) {
    const item = { id: 12345, name: 'benchmark item', tags: ['a', 'b', 'c'], active: true };
    const items = [];
    let length = 2;
    while (length < size) {
      items.push(item);
      length += JSON.stringify(item).length + 1;
    }
    body = Buffer.from(JSON.stringify({ items }));
    bodies.set(size, body);
  }
  return body;
}

const server = http.createServer((req, res) => {
  const size = Number(new URL(req.url, 'http://localhost').searchParams.get('size') || 64);
  const body = jsonBody(size);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
