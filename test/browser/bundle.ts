/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

import * as path from 'path';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(__dirname, '../../..');

/**
 * A page of test/browser bundled as an application's bundler would. The pages
 * lie inside the package, where its name refers to itself: esbuild resolves it
 * through its package.json (the exports' browser condition, then the browser
 * field), as from an application's node_modules. Returns the bundle and the
 * files it holds (relative to the project).
 */
export async function bundleBrowserPage(page: string): Promise<{ text: string; inputs: string[] }> {
  const result = await esbuild.build({
    entryPoints: [path.join(ROOT, 'test/browser', page)],
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2020',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return { text: result.outputFiles[0].text, inputs: Object.keys(result.metafile.inputs) };
}
