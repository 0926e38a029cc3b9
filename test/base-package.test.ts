/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// @opentelemetry/instrumentation is an optional peer dependency: an app that
// has no copy of it must be told what to install, not get Node's bare
// "Cannot find module". The built package is loaded in a child process from a
// folder outside the project, whose node_modules holds the other packages it
// needs and not that one.

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { MISSING_BASE_PACKAGE_MESSAGE } from '../lib/platform/node/base-package';
import { PACKAGE_NAME } from '../lib/version';
import { projectRoot, runNode } from './support/child';

const CHILD_TIMEOUT_MS = 20_000;

describe('without @opentelemetry/instrumentation installed (child process)', function () {
  this.timeout(2 * CHILD_TIMEOUT_MS);
  let appDir: string;

  before(() => {
    appDir = fs.mkdtempSync(path.join(os.tmpdir(), 'otel-axios-no-base-'));
    const scope = path.join(appDir, 'node_modules', '@opentelemetry');
    fs.mkdirSync(scope, { recursive: true });
    for (const name of ['api', 'semantic-conventions']) {
      fs.symlinkSync(path.join(projectRoot, 'node_modules', '@opentelemetry', name), path.join(scope, name), 'dir');
    }
    const installed = path.join(appDir, 'node_modules', PACKAGE_NAME);
    fs.mkdirSync(installed);
    fs.copyFileSync(path.join(projectRoot, 'package.json'), path.join(installed, 'package.json'));
    fs.cpSync(path.join(projectRoot, 'dist'), path.join(installed, 'dist'), { recursive: true });
  });
  after(() => fs.rmSync(appDir, { recursive: true, force: true }));

  it('loading the package throws an error that says what to install, with Node’s error as its cause', async () => {
    const script = path.join(appDir, 'app.js');
    fs.writeFileSync(
      script,
      `try { require(${JSON.stringify(PACKAGE_NAME)}); console.log('RESULT ' + JSON.stringify({ loaded: true })); }
       catch (error) { console.log('RESULT ' + JSON.stringify({ message: error.message, cause: error.cause && error.cause.code })); }`
    );
    const run = await runNode([script], CHILD_TIMEOUT_MS);
    const [result] = run.linesStartingWith('RESULT ') as Array<{ loaded?: boolean; message?: string; cause?: string }>;
    assert.deepStrictEqual(result, { message: MISSING_BASE_PACKAGE_MESSAGE, cause: 'MODULE_NOT_FOUND' });
    assert.match(result.message ?? '', /npm install @opentelemetry\/instrumentation@\^0\.301\.0/);
    assert.match(result.message ?? '', /@opentelemetry\/instrumentation@\^0\.223\.0/);
  });
});
