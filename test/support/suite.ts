/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// Set-up that most suites share, each registering its own mocha hooks in the
// `describe` it is called from, so a test file states what it needs in one line.

import type { AxiosInstrumentationConfig } from '../../lib';
import { Handler, ReceivedRequest, TestServer } from './server';
import { instrumentation, resetInstrumentation } from './telemetry';

/**
 * A TestServer that exists only while the suite runs: every member reads the
 * server started by the suite's `before` hook, so it can be used in tests and
 * hooks (and in a handler, which only runs once the server is up).
 */
export class SuiteServer {
  private started: TestServer | undefined;

  /** Registers the `before`/`after` hooks that start and close the server. */
  constructor(handler?: Handler) {
    before(async () => {
      this.started = await TestServer.start(handler);
    });
    after(() => this.started?.close());
  }

  get server(): TestServer {
    if (!this.started) throw new Error('the test server is started in the before hook: use it inside tests and hooks');
    return this.started;
  }

  get received(): ReceivedRequest[] {
    return this.server.received;
  }

  get port(): number {
    return this.server.port;
  }

  get origin(): string {
    return this.server.origin;
  }

  url(path?: string): string {
    return this.server.url(path);
  }

  /** The last request the server received. */
  get last(): ReceivedRequest {
    return this.server.last;
  }
}

/** A real server on a free loopback port for the enclosing `describe` (default routes unless `handler` is given). */
export function useTestServer(handler?: Handler): SuiteServer {
  return new SuiteServer(handler);
}

/**
 * Each test starts from `config`, enabled, with no spans; and leaves the
 * instrumentation enabled for the next suite, whatever the test turned off.
 */
export function useInstrumentation(config?: AxiosInstrumentationConfig): void {
  beforeEach(() => resetInstrumentation(config));
  afterEach(() => instrumentation.enable());
}
