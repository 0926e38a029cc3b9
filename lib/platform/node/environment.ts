/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

export function environmentVariable(name: string): string | undefined {
  return process.env[name];
}

/** A boolean variable: undefined when unset or empty; as in the OpenTelemetry configuration specification, only "true" is true. */
export function environmentFlag(name: string): boolean | undefined {
  const raw = environmentVariable(name)?.trim().toLowerCase();
  if (raw === undefined || raw === '') return undefined;
  return raw === 'true';
}

/** The request headers to capture when `headersToSpanAttributes` is not given (as OpenTelemetry Java names it). */
export const CAPTURE_REQUEST_HEADERS_ENV = 'OTEL_INSTRUMENTATION_HTTP_CLIENT_CAPTURE_REQUEST_HEADERS';
export const CAPTURE_RESPONSE_HEADERS_ENV = 'OTEL_INSTRUMENTATION_HTTP_CLIENT_CAPTURE_RESPONSE_HEADERS';

/** The entries of the comma-separated list of headers to capture, as written. */
export function headersToCaptureFromEnvironment(direction: 'request' | 'response'): string[] | undefined {
  return environmentVariable(direction === 'request' ? CAPTURE_REQUEST_HEADERS_ENV : CAPTURE_RESPONSE_HEADERS_ENV)?.split(',');
}

/** Node options that load a file before the application: where the ESM loader hook can be registered. */
const PRELOAD_FLAG = /^(?:--import|--require|-r|--loader|--experimental-loader)(?:=|$)/;

/**
 * Whether the application's entry point is an ES module and nothing was
 * preloaded before it (no `--import`, `--require` or loader, on the command
 * line or in NODE_OPTIONS): the ESM loader hook cannot have been registered
 * before the application's static `import axios from 'axios'`.
 */
function esmEntryWithoutPreload(): boolean {
  // CommonJS code sees no `require.main` when the entry point is an ES module;
  // `node -e` and the REPL have no entry file (argv[1]).
  if (typeof require === 'undefined' || require.main !== undefined || !process.argv[1]) return false;
  const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  return !flags.some((flag) => PRELOAD_FLAG.test(flag));
}

/**
 * An ES module application that imports axios statically before the SDK
 * starts, with no loader hook preloaded (as Logfire's README shows), makes no
 * axios span, which would otherwise go unexplained: `warn` says so, unless a
 * copy was handed over by then (checked once the code that created the
 * instrumentation has run on, so that a manuallyInstrument() right after counts).
 */
/** The instrumentations whose set-up was checked: each once, after its first enable(). */
const checked = new WeakSet<object>();

export function checkEsmSetup(instrumentation: object, handedOver: () => boolean | undefined, warn: (message: string) => void): void {
  if (checked.has(instrumentation)) return;
  checked.add(instrumentation);
  try {
    if (!esmEntryWithoutPreload()) return;
    const check = setTimeout(() => {
      if (handedOver()) return;
      warn(
        'the application is an ES module and no ESM loader hook was preloaded: `import axios from "axios"` ' +
          'is not traced. Call manuallyInstrument(axios) with the imported axios, or start node with ' +
          '--import a file that registers "@opentelemetry/instrumentation/hook.mjs" before the SDK starts.'
      );
    }, 0);
    check.unref();
  } catch {
    // Only a hint: whatever this process lacks to tell, the application goes on as it is.
  }
}
