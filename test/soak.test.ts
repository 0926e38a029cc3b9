/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// 100,000 requests with captureAll leave nothing behind. The
// requests run in a fresh `node --expose-gc` child (test/fixtures/soak-child.js,
// which loads the built package from dist/) with a real SDK: this mocha process
// has its own SDK, spans and coverage, which would blur every measurement. The
// child measures itself at checkpoints, after a warm-up and a forced GC, and
// prints one JSON report; this process serves its requests.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

import { projectRoot, runNode } from './support/child';
import { closedPort, defaultHandler, Handler } from './support/server';
import { useTestServer } from './support/suite';
import { resetInstrumentation } from './support/telemetry';

const CHILD_SCRIPT = path.join(projectRoot, 'test', 'fixtures', 'soak-child.js');
const BUILT_PACKAGE = path.join(projectRoot, 'dist', 'index.js');

const REQUESTS = 100_000;
const WARM_UP = 10_000;
const CHECKPOINTS = [WARM_UP, 50_000, REQUESTS];
const CONCURRENCY = 16;
/** The axios timeout of the requests that are meant to time out (on a route that never answers). */
const TIMEOUT_MS = 20;
const HEAP_GROWTH_LIMIT = 10 * 1024 * 1024;
/** Timers a quiet process may keep (the SDK's, the agent's): a per-request timer left behind would be thousands. */
const MAX_IDLE_TIMERS = 4;
// The soak is bounded by its request count; the time limit only catches a child that hangs. Measured on a
// 2-core machine: the whole file in 51 s lightly loaded, 78 s at a load average of 10; a machine several times
// as loaded still finishes well within this. The child is killed after it.
const CHILD_TIMEOUT_MS = 480_000;
const REPORT_LINE = 'SOAK ';

/** One measurement of the child, after all requests so far have settled and a forced GC. */
interface Checkpoint {
  requests: number;
  heapUsed: number;
  /** process.getActiveResourcesInfo(), counted by kind (referenced handles and timers only). */
  activeResources: Record<string, number>;
  /** Every scheduled Timeout, referenced or not. */
  timers: number;
  /** Client sockets opened and not destroyed. */
  clientSockets: number;
  agent: { sockets: number; freeSockets: number; queuedRequests: number };
  /** The distinct listener counts of the agent's sockets, by event. */
  socketListeners: Record<string, number>[];
  processListeners: Record<string, number>;
  spans: { started: number; ended: number; open: number; exported: number };
  /** Status code or error.type of each exported span, counted. */
  spanOutcomes: Record<string, number>;
  /** Status code or error code of each call as the application saw it, counted. */
  appOutcomes: Record<string, number>;
}

interface SoakReport {
  checkpoints: Checkpoint[];
  warnings: string[];
  elapsedMs: number;
  cpuMs: number;
  maxSockets: number;
}

/** Runs the soak child (see runNode: no coverage, no OTEL_* settings of the parent); returns its report. */
async function runSoakChild(plan: object): Promise<SoakReport> {
  const run = await runNode(['--expose-gc', '--expose-internals', CHILD_SCRIPT, JSON.stringify(plan)], CHILD_TIMEOUT_MS);
  const [report] = run.linesStartingWith(REPORT_LINE);
  if (!report) throw new Error(`the soak child printed no report\n${run.stdout}`);
  return report as SoakReport;
}

// About 1.1 KiB, parsed by axios on every GET.
const JSON_BODY = JSON.stringify({
  items: Array.from({ length: 20 }, (_, id) => ({ id, name: `name-${id}`, text: 'x'.repeat(20) })),
});

/**
 * The child's routes: `/json` (the 1 KiB document), `/echo` (POST, a short
 * answer), `/status/404`, and `/hang`, which never answers: the requests sent
 * there time out or are cancelled, and close their socket.
 */
function soakHandler(forget: () => void): Handler {
  return (req, res, body) => {
    // TestServer records every request; 100,000 records would be this test's own leak.
    forget();
    const route = (req.url ?? '/').split('?')[0];
    if (route === '/hang') return;
    if (route === '/json') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON_BODY);
    } else if (route === '/echo') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ received: body.length }));
    } else {
      defaultHandler(req, res, body);
    }
  };
}

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((total, count) => total + count, 0);

describe(`soak: ${REQUESTS.toLocaleString('en')} requests with captureAll in a fresh process leave nothing behind`, function () {
  this.timeout(CHILD_TIMEOUT_MS + 30_000);

  const server = useTestServer(soakHandler(() => (server.received.length = 0)));
  let report: SoakReport;
  let warmUp: Checkpoint;
  let last: Checkpoint;

  /** Runs `check` on every checkpoint, naming the checkpoint when it fails. */
  function everyCheckpoint(check: (checkpoint: Checkpoint) => void): void {
    for (const checkpoint of report.checkpoints) {
      try {
        check(checkpoint);
      } catch (error) {
        (error as Error).message = `at ${checkpoint.requests} requests: ${(error as Error).message}`;
        throw error;
      }
    }
  }

  before(async () => {
    assert.ok(fs.existsSync(BUILT_PACKAGE), `the built package is at ${BUILT_PACKAGE} (npm run build)`);
    report = await runSoakChild({
      origin: server.origin,
      refusedPort: await closedPort(),
      concurrency: CONCURRENCY,
      timeoutMs: TIMEOUT_MS,
      checkpoints: CHECKPOINTS,
    });
    warmUp = report.checkpoints[0];
    last = report.checkpoints[report.checkpoints.length - 1];
  });
  beforeEach(() => resetInstrumentation({ captureAll: true }));

  it('makes every request, and the mix has each outcome: 200, 404, refused, timed out, cancelled', () => {
    assert.deepStrictEqual(
      report.checkpoints.map((checkpoint) => checkpoint.requests),
      CHECKPOINTS
    );
    assert.strictEqual(sum(last.appOutcomes), REQUESTS, 'every call settled');
    for (const outcome of ['200', '404', 'ECONNREFUSED', 'ECONNABORTED', 'ERR_CANCELED']) {
      assert.ok(last.appOutcomes[outcome] > 0, `some calls ended in ${outcome}: ${JSON.stringify(last.appOutcomes)}`);
    }
  });

  it('starts one span per request, ends every one and exports every one: none open, none dropped', () => {
    everyCheckpoint(({ requests, spans }) => {
      assert.deepStrictEqual(spans, { started: requests, ended: requests, open: 0, exported: requests });
    });
  });

  it('records in each span the outcome the application saw (status codes and error types tally alike)', () => {
    everyCheckpoint(({ spanOutcomes, appOutcomes }) => assert.deepStrictEqual(spanOutcomes, appOutcomes));
  });

  it(`keeps the heap after ${REQUESTS.toLocaleString('en')} requests within 10 MB of the heap after the warm-up`, () => {
    const growth = last.heapUsed - warmUp.heapUsed;
    assert.ok(
      growth < HEAP_GROWTH_LIMIT,
      `heapUsed grew by ${(growth / 1024 / 1024).toFixed(1)} MB: ` +
        report.checkpoints.map(({ requests, heapUsed }) => `${requests}: ${heapUsed}`).join(', ')
    );
  });

  it("leaves no socket open outside the keep-alive agent's pool, which stays within maxSockets, idle", () => {
    everyCheckpoint(({ clientSockets, agent }) => {
      assert.strictEqual(agent.sockets, 0, 'no socket is still in use');
      assert.strictEqual(agent.queuedRequests, 0, 'no request waits for a socket');
      assert.ok(agent.freeSockets > 0 && agent.freeSockets <= report.maxSockets, `free sockets: ${agent.freeSockets}`);
      assert.strictEqual(clientSockets, agent.freeSockets, 'every open client socket is an idle socket of the agent');
    });
  });

  it('leaves no timer behind a request: the scheduled timers stay within a small constant', () => {
    everyCheckpoint(({ timers, activeResources }) => {
      assert.ok(timers <= MAX_IDLE_TIMERS, `${timers} timers scheduled`);
      assert.ok((activeResources.Timeout ?? 0) <= timers, `active: ${JSON.stringify(activeResources)}`);
    });
  });

  it('keeps the active resources (referenced handles, requests and timers) the same at every checkpoint', () => {
    everyCheckpoint(({ activeResources }) => {
      assert.deepStrictEqual(activeResources, warmUp.activeResources);
      assert.ok((activeResources.TCPSocketWrap ?? 0) <= report.maxSockets, JSON.stringify(activeResources));
    });
  });

  it("keeps the listener counts on the agent's sockets and on process the same at every checkpoint", () => {
    assert.strictEqual(warmUp.socketListeners.length, 1, 'all idle sockets have the same listeners');
    assert.ok(Object.keys(warmUp.socketListeners[0]).length > 0, 'the sockets were looked at');
    everyCheckpoint(({ socketListeners, processListeners }) => {
      assert.deepStrictEqual(socketListeners, warmUp.socketListeners);
      assert.deepStrictEqual(processListeners, warmUp.processListeners);
    });
  });

  it('emits no process warning (MaxListenersExceededWarning or any other)', () => {
    assert.deepStrictEqual(report.warnings, []);
  });
});
