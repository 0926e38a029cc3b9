'use strict';
// The request loop every measurement uses: `total` GETs, `concurrency` at a time.

const http = require('http');

function makeClient(axios, port, size, wrapCall = (call) => call(), decorate = () => {}) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const instance = axios.create({ baseURL: `http://127.0.0.1:${port}`, httpAgent: agent });
  decorate(instance);
  const url = `/items?size=${size}`;
  return async function run(total, concurrency) {
    let left = total;
    const worker = async () => {
      while (left > 0) {
        left -= 1;
        const response = await wrapCall(() => instance.get(url));
        if (response.status !== 200) throw new Error(`status ${response.status}`);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  };
}

/** CPU (user + system) and wall time of one run, in µs per request. */
async function measure(run, total, concurrency) {
  const cpuBefore = process.cpuUsage();
  const wallBefore = process.hrtime.bigint();
  await run(total, concurrency);
  const cpu = process.cpuUsage(cpuBefore);
  const wallNs = Number(process.hrtime.bigint() - wallBefore);
  return { cpuUs: (cpu.user + cpu.system) / total, wallUs: wallNs / 1000 / total };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i += 2) args[argv[i].replace(/^--/, '')] = argv[i + 1];
  return args;
}

module.exports = { makeClient, measure, median, parseArgs };
