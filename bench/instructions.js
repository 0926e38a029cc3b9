'use strict';
// Instructions per request, counted by callgrind in windows of requests after a
// long warm-up (see bench/windows.js). The count does not move with the
// machine's load or clock. What moved it between runs before was V8's
// optimising compiler, which still compiles now and then thousands of requests
// in (a few functions per window, each worth tens of millions of instructions
// under callgrind), and garbage collection falling inside a window or not. So
// each window is split by function: the compilers' share is reported apart and
// left out of the per-request figure; garbage collection stays in it and is
// reported too.

const { execFile, execFileSync, spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { median } = require('./load');

// V8's parsers, bytecode generator and optimising compiler: work done once per
// function (again after a deoptimisation), not per request.
const COMPILER = /v8::internal::(compiler::|maglev::|interpreter::Bytecode|Parser|PreParser|Scanner|Zone|Deoptimizer|Compiler|OptimizingCompileDispatcher|Ast|Scope|FuncNameInferrer|Turbofan)|Builtins_CompileLazy/;
const GARBAGE_COLLECTOR = /v8::internal::(Heap|.*Mark|.*Sweep|Scaveng|.*Evacuat|.*GC|Concurrent|.*Space|MemoryAllocator|MemoryChunk|Page|RememberedSet|SlotSet|.*Collector|.*Visitor|BodyDescriptor|WeakObjects|LocalHeap|Worklist|MinorMC|IncrementalMarking)/;

/** Self cost of every function in a dump, summed by kind. */
function splitDump(file) {
  const report = execFileSync('callgrind_annotate', ['--inclusive=no', '--threshold=100', file], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const split = { total: 0, compiler: 0, gc: 0 };
  for (const line of report.split('\n')) {
    const match = /^\s*([\d,]+)\s+\([\s\d.]+%\)\s+(.*)$/.exec(line);
    if (!match) continue;
    const count = Number(match[1].replace(/,/g, ''));
    const name = match[2];
    if (name.includes('PROGRAM TOTALS')) split.total = count;
    else if (COMPILER.test(name)) split.compiler += count;
    else if (GARBAGE_COLLECTOR.test(name)) split.gc += count;
  }
  return split;
}

/**
 * @returns per request, medians over the windows, the scavenge-only window subtracted:
 *   `perRequest` without the compilers, `compiler` their share, `gc` garbage collection
 *   (inside perRequest), `windows` every window's perRequest
 */
function countInstructions({ env, nodeBin = process.execPath, nodeFlags = [], mode, size, port, concurrency, warmup, windows, window, wrap = (c, a) => [c, a] }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'axios-bench-cg-'));
  const outFile = path.join(dir, 'callgrind.out');
  const [command, commandArgs] = wrap('valgrind', [
    '--tool=callgrind', '--instr-atstart=no', '--dump-instr=no', `--callgrind-out-file=${outFile}`,
    '--zero-before=uv_os_getpriority', '--dump-before=uv_os_gethostname',
    nodeBin, '--expose-gc', ...nodeFlags, path.join(__dirname, 'windows.js'),
    '--mode', mode, '--port', String(port), '--size', String(size), '--concurrency', String(concurrency),
    '--warmup', String(warmup), '--windows', String(windows), '--window', String(window),
  ]);
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, { stdio: ['pipe', 'pipe', 'pipe'], env: env ?? process.env });
    let errors = '';
    child.stderr.on('data', (data) => (errors += data));
    child.stdout.on('data', (data) => {
      if (!String(data).includes('warm')) return;
      execFile('callgrind_control', ['--instr=on', String(child.pid)], (error) => {
        if (error) reject(new Error(`callgrind_control failed: ${error.message}`));
        else child.stdin.end('go\n');
      });
    });
    child.on('exit', (code) => {
      try {
        if (code !== 0) throw new Error(`callgrind run of ${mode} exited ${code}: ${errors.slice(-2000)}`);
        const dumps = [];
        for (let i = 1; i <= 2 * windows; i += 1) dumps.push(splitDump(`${outFile}.${i}`));
        const requestWindows = dumps.filter((_, i) => i % 2 === 0);
        const scavengeOnly = dumps.filter((_, i) => i % 2 === 1);
        const base = {
          rest: median(scavengeOnly.map((d) => d.total - d.compiler)),
          gc: median(scavengeOnly.map((d) => d.gc)),
        };
        const perWindow = requestWindows.map((d) => ({
          rest: (d.total - d.compiler - base.rest) / window,
          compiler: d.compiler / window,
          gc: (d.gc - base.gc) / window,
        }));
        resolve({
          perRequest: median(perWindow.map((w) => w.rest)),
          compiler: median(perWindow.map((w) => w.compiler)),
          gc: median(perWindow.map((w) => w.gc)),
          windows: perWindow.map((w) => Math.round(w.rest)),
        });
      } catch (error) {
        reject(error);
      } finally {
        if (!process.env.BENCH_KEEP_DUMPS) fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

module.exports = { countInstructions };
