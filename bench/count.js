'use strict';
// One mode in one process, counted rather than timed: what the load of the
// machine cannot move. After a warm-up, N requests run under one of:
//
//   --what promises  async_hooks init events per request, by resource type
//   --what heap      the inspector's sampling heap profiler (every allocation
//                    kept, also those a GC took since): bytes and objects per
//                    request by allocation site
//   --what cpu       the inspector's CPU profiler: self time by function,
//                    which is a proportion and so survives a loaded machine
//   --what opt       after the run, which of our functions V8 optimised; run
//                    with --trace-deopt to also see why any were thrown away
//
// Prints one JSON line. bench/breakdown.js runs it for every mode and Node line.

const inspector = require('inspector');
const path = require('path');
const { makeClient, parseArgs } = require('./load');
const { setUp } = require('./telemetry');

const DIST = path.resolve(process.env.BENCH_DIST || path.join(__dirname, '..', 'dist'));

function post(session, method, params) {
  return new Promise((resolve, reject) =>
    session.post(method, params, (error, result) => (error ? reject(error) : resolve(result)))
  );
}

/** Which code a profile node belongs to: ours, a package, Node itself, or V8. */
function owner(url, functionName) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const file = url.replace(/^file:\/\//, '');
  if (file.startsWith(DIST)) return 'ours';
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (inModules) return inModules[1];
  if (file.startsWith('node:') || !file.startsWith('/')) return 'node';
  if (file.includes(`${path.sep}bench${path.sep}`)) return 'bench';
  return 'other';
}

function site(callFrame) {
  const { functionName, url, lineNumber } = callFrame;
  const file = url ? path.basename(url.replace(/^file:\/\//, '')) : '';
  return `${functionName || '(anonymous)'} ${file}${file ? `:${lineNumber + 1}` : ''}`;
}

async function countPromises(run, requests, concurrency) {
  const asyncHooks = require('async_hooks');
  const byType = {};
  const hook = asyncHooks.createHook({ init: (id, type) => (byType[type] = (byType[type] ?? 0) + 1) });
  hook.enable();
  await run(requests, concurrency);
  hook.disable();
  return Object.fromEntries(Object.entries(byType).map(([type, count]) => [type, count / requests]));
}

async function countHeap(run, requests, concurrency) {
  const session = new inspector.Session();
  session.connect();
  const samplingInterval = 64;
  await post(session, 'HeapProfiler.enable');
  await post(session, 'HeapProfiler.startSampling', {
    samplingInterval,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  await run(requests, concurrency);
  const { profile } = await post(session, 'HeapProfiler.stopSampling');
  session.disconnect();
  // The protocol gives each node's scaled bytes; objects are scaled the way V8
  // scales its own counts (a sample of `size` bytes stands for 1/(1 - e^(-size/interval)) objects).
  const nodes = new Map();
  const walk = (node) => {
    nodes.set(node.id, node);
    node.children.forEach(walk);
  };
  walk(profile.head);
  const sites = {};
  const owners = {};
  let bytes = 0;
  let objects = 0;
  for (const sample of profile.samples) {
    const node = nodes.get(sample.nodeId);
    const weight = 1 / (1 - Math.exp(-sample.size / samplingInterval));
    const key = site(node.callFrame);
    const who = owner(node.callFrame.url, node.callFrame.functionName);
    sites[key] ??= { owner: who, bytes: 0, objects: 0 };
    sites[key].bytes += weight * sample.size;
    sites[key].objects += weight;
    owners[who] ??= { bytes: 0, objects: 0 };
    owners[who].bytes += weight * sample.size;
    owners[who].objects += weight;
    bytes += weight * sample.size;
    objects += weight;
  }
  const perRequest = (entry) => ({ ...entry, bytes: entry.bytes / requests, objects: entry.objects / requests });
  return {
    bytes: bytes / requests,
    objects: objects / requests,
    owners: Object.fromEntries(Object.entries(owners).map(([k, v]) => [k, perRequest(v)])),
    // Sites below a twentieth of an object per request are left out: there are thousands.
    sites: Object.fromEntries(
      Object.entries(sites)
        .map(([k, v]) => [k, perRequest(v)])
        .filter(([, v]) => v.objects >= 0.05)
    ),
  };
}

async function countCpu(run, requests, concurrency) {
  const session = new inspector.Session();
  session.connect();
  await post(session, 'Profiler.enable');
  await post(session, 'Profiler.setSamplingInterval', { interval: 100 });
  await post(session, 'Profiler.start');
  await run(requests, concurrency);
  const { profile } = await post(session, 'Profiler.stop');
  session.disconnect();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const hits = new Map();
  for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  const total = profile.samples.length;
  const owners = {};
  const ours = {};
  for (const [id, count] of hits) {
    const { callFrame } = byId.get(id);
    const who = owner(callFrame.url, callFrame.functionName);
    owners[who] = (owners[who] ?? 0) + count / total;
    if (who === 'ours') ours[site(callFrame)] = (ours[site(callFrame)] ?? 0) + count / total;
  }
  return { samples: total, share: owners, ours };
}

/** V8's %GetOptimizationStatus bits (runtime-test.h, the same in V8 11 to 13). */
function optimisationOf(fn) {
  // eslint-disable-next-line no-new-func
  const status = new Function('f', 'return %GetOptimizationStatus(f)')(fn);
  if (status & (1 << 6)) return 'turbofan';
  if (status & (1 << 5)) return 'maglev';
  if (status & (1 << 15)) return 'sparkplug';
  if (status & (1 << 18)) return 'never run';
  if (status & (1 << 7)) return 'interpreted';
  return `status ${status}`;
}

function countOptimisation(axios) {
  const result = {};
  const { AxiosInstrumentation } = require(DIST);
  for (const name of Object.getOwnPropertyNames(AxiosInstrumentation.prototype)) {
    const fn = AxiosInstrumentation.prototype[name];
    if (typeof fn === 'function' && name !== 'constructor') result[`AxiosInstrumentation.${name}`] = optimisationOf(fn);
  }
  const request = axios.Axios.prototype._request ?? axios.Axios.prototype.request;
  result['tracedRequest (the patched _request)'] = optimisationOf(request);
  for (const file of ['headers', 'trace-headers', 'span-attributes', 'metrics', 'url', 'body']) {
    const moduleExports = require(path.join(DIST, file));
    for (const [name, fn] of Object.entries(moduleExports)) {
      if (typeof fn === 'function' && !/^[A-Z]/.test(name)) result[`${file}.${name}`] = optimisationOf(fn);
    }
  }
  return result;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const { axios, decorate, wrapCall, inActiveSpan, shutdown } = setUp(args.mode);
  const run = makeClient(axios, Number(args.port), Number(args.size), wrapCall, decorate);
  const concurrency = Number(args.concurrency ?? 16);
  const requests = Number(args.requests);
  const result = await inActiveSpan(async () => {
    await run(Number(args.warmup), concurrency);
    if (args.what === 'promises') return countPromises(run, requests, concurrency);
    if (args.what === 'heap') return countHeap(run, requests, concurrency);
    if (args.what === 'cpu') return countCpu(run, requests, concurrency);
    if (args.what === 'opt') {
      await run(requests, concurrency);
      return args.mode.startsWith('ours') ? countOptimisation(axios) : {};
    }
    throw new Error(`--what ${args.what}?`);
  });
  await shutdown();
  process.stdout.write(`${JSON.stringify({ node: process.version, mode: args.mode, what: args.what, requests, result })}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
