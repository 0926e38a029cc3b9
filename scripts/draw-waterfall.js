#!/usr/bin/env node
/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// Draws docs/waterfall.svg from a real run: two axios requests to a local
// HTTPS server (a certificate made now by `openssl`), the first on a new TLS
// connection, the second on the same connection kept alive, traced by this
// package (the built one in dist/: `npm run build` first) with the SDK; each
// span is exported and its network events become one row per phase.
//
//   node scripts/draw-waterfall.js [--out docs/waterfall.svg] [--think-ms 15] [--body-kb 512]

'use strict';

const { execFileSync } = require('child_process');
const fs = require('fs');
const https = require('https');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');

/**
 * The SDK, from whichever OpenTelemetry JS line is installed: 2.x has
 * sdk-trace-base, 3.x has sdk-trace. Returns the provider and a function
 * giving the finished spans.
 */
function setUpTracing() {
  const { context, trace } = require('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
  let sdk;
  try {
    sdk = require('@opentelemetry/sdk-trace-base');
  } catch {
    sdk = require('@opentelemetry/sdk-trace');
  }
  const exporter = new sdk.InMemorySpanExporter();
  const processor = new sdk.SimpleSpanProcessor(sdk.BasicTracerProvider ? exporter : { exporter });
  const Provider = sdk.BasicTracerProvider ?? sdk.TracerProvider;
  const provider = new Provider({ spanProcessors: [processor] });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  return { provider, finishedSpans: () => exporter.getFinishedSpans(), reset: () => exporter.reset() };
}

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : process.argv[index + 1];
}

function selfSignedCertificate() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waterfall-tls-'));
  try {
    const keyFile = path.join(dir, 'key.pem');
    const certFile = path.join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile,
      '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'pipe' });
    return { key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// -------------------------------------------------------------- the picture

const PHASES = [
  // label, from event, to event (the first of them present), colour
  ['lookup', 'domainLookupStart', ['domainLookupEnd'], '#7fb3d5'],
  ['connect', 'connectStart', ['secureConnectionStart', 'connectEnd'], '#f0b27a'],
  ['TLS', 'secureConnectionStart', ['connectEnd'], '#c39bd3'],
  ['waiting', 'requestStart', ['responseStart'], '#82e0aa'],
  ['download', 'responseStart', ['responseEnd'], '#5dade2'],
];

const millis = ([seconds, nanos]) => seconds * 1e3 + nanos / 1e6;
const escape = (text) => String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

function draw(rows) {
  const width = 920;
  const labelWidth = 190;
  const plotWidth = width - labelWidth - 90; // room for the last event's name
  const rowHeight = 22;
  const longest = Math.max(...rows.map((row) => row.duration));
  const scale = plotWidth / longest;
  const x = (ms) => labelWidth + ms * scale;
  const parts = [];
  let y = 40;
  parts.push(`<text x="10" y="22" font-size="15" font-weight="bold">One axios request's phases, from its exported span events (Node ${escape(process.versions.node)})</text>`);
  for (const row of rows) {
    parts.push(`<text x="10" y="${y + 14}" font-size="13" font-weight="bold">${escape(row.title)}</text>`);
    y += rowHeight;
    // The span itself, from its start to its end.
    parts.push(`<text x="20" y="${y + 14}" font-size="12">span (${row.duration.toFixed(1)} ms)</text>`);
    parts.push(`<rect x="${x(0)}" y="${y + 4}" width="${Math.max(1, row.duration * scale)}" height="12" fill="#d5d8dc"/>`);
    y += rowHeight;
    for (const [label, from, to, colour] of PHASES) {
      const start = row.events[from];
      const endName = to.find((name) => row.events[name] !== undefined);
      if (start === undefined || endName === undefined) continue;
      const end = row.events[endName];
      parts.push(`<text x="20" y="${y + 14}" font-size="12">${label} (${(end - start).toFixed(1)} ms)</text>`);
      parts.push(`<rect x="${x(start)}" y="${y + 4}" width="${Math.max(1, (end - start) * scale)}" height="12" fill="${colour}"/>`);
      y += rowHeight;
    }
    // Every event as a tick on one line, named.
    parts.push(`<text x="20" y="${y + 14}" font-size="12">events</text>`);
    // Each name on the first of the label lines where it overlaps no name before it.
    const lineEnds = [];
    for (const [name, at] of Object.entries(row.events)) {
      parts.push(`<line x1="${x(at)}" y1="${y + 2}" x2="${x(at)}" y2="${y + 18}" stroke="#333"/>`);
      let line = lineEnds.findIndex((end) => x(at) > end);
      if (line === -1) line = lineEnds.push(0) - 1;
      parts.push(`<text x="${x(at) + 2}" y="${y + 30 + line * 11}" font-size="9" fill="#333">${name}</text>`);
      lineEnds[line] = x(at) + name.length * 5 + 4;
    }
    y += rowHeight + 20 + lineEnds.length * 11;
  }
  // The time axis.
  const step = niceStep(longest / 8);
  parts.push(`<line x1="${x(0)}" y1="${y}" x2="${x(longest)}" y2="${y}" stroke="#555"/>`);
  for (let tick = 0; tick <= longest + 1e-9; tick += step) {
    parts.push(`<line x1="${x(tick)}" y1="${y}" x2="${x(tick)}" y2="${y + 5}" stroke="#555"/>`);
    parts.push(`<text x="${x(tick)}" y="${y + 17}" font-size="10" text-anchor="middle">${+tick.toFixed(2)} ms</text>`);
  }
  y += 30;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" font-family="sans-serif">`,
    `<rect width="${width}" height="${y}" fill="#fff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

function niceStep(raw) {
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((step) => step >= raw);
}

// ------------------------------------------------------------------ the run

async function main() {
  const out = path.resolve(ROOT, option('out', 'docs/waterfall.svg'));
  const thinkMs = Number(option('think-ms', 15));
  const body = Buffer.alloc(Number(option('body-kb', 512)) * 1024, 'x');
  const { provider, finishedSpans, reset } = setUpTracing();
  const { AxiosInstrumentation } = require(path.join(ROOT, 'dist'));
  const instrumentation = new AxiosInstrumentation();
  instrumentation.setTracerProvider(provider);
  const axios = require('axios');

  const tls = selfSignedCertificate();
  const server = https.createServer(tls, (req, res) => setTimeout(() => res.end(body), thinkMs));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const agent = new https.Agent({ ca: tls.cert, keepAlive: true });
  const url = `https://localhost:${server.address().port}/`;
  try {
    // A first request on a connection of its own, not drawn: the code on the way is loaded and warm, as in a running service.
    const warmUpAgent = new https.Agent({ ca: tls.cert });
    await axios.get(url, { httpsAgent: warmUpAgent, responseType: 'arraybuffer' });
    warmUpAgent.destroy();
    reset();
    await axios.get(url, { httpsAgent: agent, responseType: 'arraybuffer' });
    await axios.get(url, { httpsAgent: agent, responseType: 'arraybuffer' });
  } finally {
    agent.destroy();
    server.close();
  }
  const spans = finishedSpans();
  if (spans.length !== 2) throw new Error(`expected two spans, got ${spans.length}`);
  const titles = ['1st request: a new TLS connection', '2nd request: the same connection, kept alive'];
  const rows = spans.map((span, index) => {
    const start = millis(span.startTime);
    const events = {};
    for (const event of span.events) events[event.name] = millis(event.time) - start;
    const reused = span.attributes['axios.connection.reused'];
    return { title: `${titles[index]} (axios.connection.reused: ${reused})`, duration: millis(span.endTime) - start, events };
  });
  fs.writeFileSync(out, draw(rows));
  for (const row of rows) {
    console.log(row.title);
    for (const [name, at] of Object.entries(row.events)) console.log(`  ${name.padEnd(22)} ${at.toFixed(2)} ms`);
  }
  console.log(`wrote ${path.relative(ROOT, out)}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
