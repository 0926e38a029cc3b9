/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// Scenarios that need a process of their own (a NodeSDK, an ESM loader hook,
// a clean heap) run in a child `node`, while this process serves its requests.

import { spawn } from 'child_process';
import * as path from 'path';

/** The project root: compiled tests run from <outDir>/test, <outDir> being a folder of the project. */
export const projectRoot = path.resolve(__dirname, '..', '..', '..');

export interface ChildRun {
  stdout: string;
  stderr: string;
  /** The JSON values of the stdout lines that start with `prefix`, in order. */
  linesStartingWith(prefix: string): unknown[];
}

/** Where a child runs: another Node binary, another folder (an application installed elsewhere). */
export interface ChildPlace {
  node?: string;
  cwd?: string;
}

/**
 * Runs `node <args>` from the project root (or `place`), without blocking this process,
 * with the parent's environment minus coverage (c8 would instrument the child)
 * and OTEL_* settings (the parent's capture-all must not change what the
 * child records), plus `env`. Rejects, with all the child printed, when it
 * exits with an error or outlives `timeoutMs` (what a handle keeping it alive
 * would cause).
 */
export function runNode(args: string[], timeoutMs: number, env: NodeJS.ProcessEnv = {}, place: ChildPlace = {}): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const inherited = Object.entries(process.env).filter(
      ([name]) => name !== 'NODE_V8_COVERAGE' && !name.startsWith('OTEL_')
    );
    const child = spawn(place.node ?? process.execPath, args, {
      cwd: place.cwd ?? projectRoot,
      env: {
        ...Object.fromEntries(inherited),
        OTEL_TRACES_EXPORTER: 'none',
        OTEL_METRICS_EXPORTER: 'none',
        OTEL_LOGS_EXPORTER: 'none',
        OTEL_LOG_LEVEL: 'error',
        ...env,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const describeRun = () => `node ${args.join(' ').slice(0, 200)}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) return reject(new Error(`killed after ${timeoutMs} ms: ${describeRun()}`));
      if (code !== 0) return reject(new Error(`exited with ${code ?? signal}: ${describeRun()}`));
      const lines = stdout.split('\n');
      resolve({
        stdout,
        stderr,
        linesStartingWith: (prefix) =>
          lines.filter((line) => line.startsWith(prefix)).map((line) => JSON.parse(line.slice(prefix.length)) as unknown),
      });
    });
  });
}

/**
 * The opening of a child script that checks diag output: a logger collecting
 * warnings and errors into \`log\`, then \`AxiosInstrumentation\` from the
 * compiled lib/ (a fresh process, so a warn-once message shows the first time).
 */
export function diagCollectingScriptPrelude(): string {
  return `
    const { diag, DiagLogLevel } = require(${JSON.stringify(require.resolve('@opentelemetry/api'))});
    const log = { warnings: [], errors: [] };
    const ignore = () => undefined;
    diag.setLogger({
      error: (...args) => log.errors.push(args.join(' ')),
      warn: (...args) => log.warnings.push(args.join(' ')),
      info: ignore, debug: ignore, verbose: ignore,
    }, DiagLogLevel.WARN);
    const { AxiosInstrumentation } = require(${JSON.stringify(path.join(__dirname, '..', '..', 'lib'))});
`;
}
