'use strict';
// The body-capture path alone, in one process: µs per call of the code that turns
// a response body into attributes, for each body size. End to end, a few µs vanish
// in the noise of a 12 ms request; here it shows whether capture grows with size.
//
// `node bench/capture-cost.js` (after `npm run build`) also prints what body
// scrubbing adds to that path: captureAll's capture path with scrubbing on (the
// default) and off, for 1 KiB and 64 KiB JSON, in interleaved rounds, medians;
// `--end-to-end` sets that against what captureAll adds to whole requests.

const { bodyAttributes } = require('../dist/body');
const { resolveConfig } = require('../dist/config');
const { median } = require('./load');

const NAMES = { content: 'http.response.body.content', size: 'http.response.body.size', truncated: 'truncated' };
/** What captureAll scrubs bodies with by default, resolved as setConfig() resolves it. */
const DEFAULT_SCRUBBER = resolveConfig({ captureAll: true }).capture.scrubBody;

function jsonOf(bytes) {
  return JSON.stringify({ items: 'x'.repeat(Math.max(0, bytes - 14)) });
}

/**
 * JSON as an API answers a list: records of a dozen short fields, one of them
 * sensitive, so that the scrubber has keys to judge and values to rewrite.
 */
function recordsOf(bytes) {
  const records = [];
  let text = '';
  for (let id = 0; text.length < bytes; id += 1) {
    records.push({
      id,
      name: `user ${id}`,
      email: `user${id}@example.com`,
      active: id % 2 === 0,
      score: id * 1.5,
      tags: ['a', 'b'],
      address: { city: 'Zo\u00eb', zip: '12345' },
      apiKey: `k-${id}-0123456789`,
    });
    text = JSON.stringify({ data: records });
  }
  return text;
}

function costUs(data, contentLength, calls, scrub = DEFAULT_SCRUBBER) {
  const started = process.hrtime.bigint();
  for (let i = 0; i < calls; i += 1) bodyAttributes(data, 'application/json', contentLength, 16384, NAMES, false, scrub);
  return Number(process.hrtime.bigint() - started) / calls / 1000;
}

/** costUs in the process's CPU time, which time spent descheduled on a shared machine does not swell. */
function cpuCostUs(data, contentLength, calls, scrub) {
  const started = process.cpuUsage();
  for (let i = 0; i < calls; i += 1) bodyAttributes(data, 'application/json', contentLength, 16384, NAMES, false, scrub);
  const used = process.cpuUsage(started);
  return (used.user + used.system) / calls;
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

/**
 * The capture path of one string body with scrubbing off and on, alternating
 * in each round (the order swapped every round) so that the machine's load
 * falls on both alike: medians of the rounds, and the median of the rounds'
 * on/off ratios.
 */
function measureScrubbingCost(bodies, rounds = 15, calls = 1000) {
  const result = {};
  for (const [name, text] of Object.entries(bodies)) {
    const length = String(Buffer.byteLength(text));
    // Enough calls per measurement to take some 20 ms, so that the µs resolution of CPU time does not matter.
    const perCall = Math.max(cpuCostUs(text, length, 50, DEFAULT_SCRUBBER), 0.05);
    const count = Math.max(calls, Math.ceil(20000 / perCall));
    const off = [];
    const on = [];
    const ratios = [];
    for (let round = 0; round < rounds; round += 1) {
      let offUs;
      let onUs;
      if (round % 2 === 0) {
        offUs = cpuCostUs(text, length, count, null);
        onUs = cpuCostUs(text, length, count, DEFAULT_SCRUBBER);
      } else {
        onUs = cpuCostUs(text, length, count, DEFAULT_SCRUBBER);
        offUs = cpuCostUs(text, length, count, null);
      }
      off.push(offUs);
      on.push(onUs);
      ratios.push(onUs / offUs);
    }
    result[name] = { offUs: median(off), onUs: median(on), ratio: median(ratios) };
  }
  return result;
}

const SCRUBBING_BODIES = {
  '1 KiB, one long string': jsonOf(1024),
  '1 KiB, records': recordsOf(1024),
  '64 KiB, one long string': jsonOf(64 * 1024),
  '64 KiB, records': recordsOf(64 * 1024),
};

/**
 * `--end-to-end`: whole requests in one process (server included), a JSON body
 * of `size` records sent and the same answered, in blocks that rotate between
 * the instrumentation disabled, captureAll with scrubbing off, and captureAll
 * as it comes; client and server CPU µs per request, medians over the rounds.
 * What scrubbing adds is then set against what captureAll itself adds.
 */
async function measureEndToEnd(bytes, rounds = 9, block = 300) {
  const http = require('http');
  const { setUp } = require('./telemetry');
  const { axios, instrumentations, inActiveSpan } = setUp('ours-capture-all');
  const [instrumentation] = instrumentations;
  const body = recordsOf(bytes);
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(body);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}/`;
  const client = axios.create({ httpAgent: new http.Agent({ keepAlive: true }) });
  const modes = {
    disabled: () => instrumentation.disable(),
    'scrubbing off': () => {
      instrumentation.enable();
      instrumentation.setConfig({ captureAll: true, scrubbing: false });
    },
    'scrubbing on': () => {
      instrumentation.enable();
      instrumentation.setConfig({ captureAll: true });
    },
  };
  const run = async (count) => {
    for (let i = 0; i < count; i += 8) {
      await Promise.all(Array.from({ length: 8 }, () => client.post(url, body, { headers: { 'content-type': 'application/json' } })));
    }
  };
  const samples = Object.fromEntries(Object.keys(modes).map((name) => [name, []]));
  await inActiveSpan(async () => {
    for (const apply of Object.values(modes)) {
      apply();
      await run(block);
    }
    const names = Object.keys(modes);
    for (let round = 0; round < rounds; round += 1) {
      // Rotate the order so that no mode always follows the same one.
      for (let step = 0; step < names.length; step += 1) {
        const name = names[(round + step) % names.length];
        modes[name]();
        const started = process.cpuUsage();
        await run(block);
        const used = process.cpuUsage(started);
        samples[name].push((used.user + used.system) / block);
      }
    }
  });
  server.close();
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
}

if (require.main === module) {
  const fmt = (value) => value.toFixed(2);
  if (process.argv.includes('--end-to-end')) {
    (async () => {
      console.log(`Node ${process.version}; whole requests (client and server in this process), a JSON body of records sent and answered, CPU µs per request, medians of 9 rotated rounds:`);
      console.log('| body | disabled | captureAll, scrubbing off | captureAll, scrubbing on | scrubbing / captureAll overhead |');
      console.log('|---|---|---|---|---|');
      for (const [name, bytes] of [['1 KiB', 1024], ['64 KiB', 64 * 1024]]) {
        const cpu = await measureEndToEnd(bytes);
        const captureAllAdds = cpu['scrubbing off'] - cpu.disabled;
        const scrubbingAdds = cpu['scrubbing on'] - cpu['scrubbing off'];
        // Overheads the run did not see above the noise (or saw below zero) cannot be shared out.
        const share = captureAllAdds > 0 && scrubbingAdds >= 0 ? `${((scrubbingAdds / captureAllAdds) * 100).toFixed(0)}%` : 'undetermined';
        console.log(`| ${name} | ${fmt(cpu.disabled)} | ${fmt(cpu['scrubbing off'])} | ${fmt(cpu['scrubbing on'])} | ${share} |`);
      }
    })();
  } else {
    const scrubbing = measureScrubbingCost(SCRUBBING_BODIES);
    console.log(`Node ${process.version}; captureAll's capture path for one JSON response body (cut at 16384 characters), CPU µs per body, medians of interleaved rounds:`);
    console.log('| body | scrubbing off | scrubbing on | on/off (median of round ratios) |');
    console.log('|---|---|---|---|');
    for (const [name, cost] of Object.entries(scrubbing)) {
      console.log(`| ${name} | ${fmt(cost.offUs)} | ${fmt(cost.onUs)} | ${cost.ratio.toFixed(3)}x |`);
    }
  }
}

module.exports = { measureCaptureCost, measureScrubbingCost };
