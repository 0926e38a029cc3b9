'use strict';
// The body-capture path alone, in one process: µs per call of the code that turns
// a response body into attributes, for each body size. End to end, a few µs vanish
// in the noise of a 12 ms request; here it shows whether capture grows with size.

const { bodyAttributes } = require('../dist/body');
const { median } = require('./load');

const NAMES = { content: 'http.response.body.content', size: 'http.response.body.size', truncated: 'truncated' };

function jsonOf(bytes) {
  return JSON.stringify({ items: 'x'.repeat(Math.max(0, bytes - 14)) });
}

function costUs(data, contentLength, calls) {
  const started = process.hrtime.bigint();
  for (let i = 0; i < calls; i += 1) bodyAttributes(data, 'application/json', contentLength, 16384, NAMES);
  return Number(process.hrtime.bigint() - started) / calls / 1000;
}

function measureCaptureCost(sizes, rounds = 7, calls = 2000) {
  const result = {};
  for (const [name, bytes] of Object.entries(sizes)) {
    const text = jsonOf(bytes);
    const buffer = Buffer.from(text);
    const length = String(buffer.length);
    costUs(text, length, calls);
    costUs(buffer, length, calls);
    const strings = [];
    const buffers = [];
    for (let round = 0; round < rounds; round += 1) {
      strings.push(costUs(text, length, calls));
      buffers.push(costUs(buffer, length, calls));
    }
    result[name] = { stringUs: median(strings), bufferUs: median(buffers) };
  }
  return result;
}

module.exports = { measureCaptureCost };
