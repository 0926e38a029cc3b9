#!/usr/bin/env node
/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// What this package's own code adds to a page's bundle: a page's
// `export * from 'opentelemetry-instrumentation-axios'` bundled by esbuild for
// browsers, the package found by its name as an application's bundler finds it
// (package.json's exports and browser field lead to the ESM build in dist/esm/,
// so run `npm run build` first), minified, with OpenTelemetry and axios left
// out (the page has them anyway), then gzipped. Prints the figures;
// `--max-kb N` fails above N KB gzipped.

const path = require('path');
const zlib = require('zlib');
const esbuild = require('esbuild');

const ROOT = path.resolve(__dirname, '..');
const { name: PACKAGE_NAME } = require(path.join(ROOT, 'package.json'));
const ENTRY_NAME = 'page-entry.js';

async function measureBrowserSize() {
  const result = await esbuild.build({
    // Resolved from inside the package: its name refers to itself, through its own package.json.
    stdin: { contents: `export * from '${PACKAGE_NAME}';`, resolveDir: ROOT, sourcefile: ENTRY_NAME },
    absWorkingDir: ROOT,
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2020',
    external: ['@opentelemetry/*', 'axios'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  return {
    minifiedBytes: code.byteLength,
    gzippedBytes: zlib.gzipSync(code, { level: 9 }).byteLength,
    inputs: Object.keys(result.metafile.inputs).filter((input) => input !== ENTRY_NAME),
  };
}

module.exports = { measureBrowserSize };

if (require.main === module) {
  const limitFlag = process.argv.indexOf('--max-kb');
  const maxKb = limitFlag === -1 ? undefined : Number(process.argv[limitFlag + 1]);
  measureBrowserSize().then(
    ({ minifiedBytes, gzippedBytes, inputs }) => {
      const kb = (bytes) => (bytes / 1024).toFixed(1);
      console.log(`${inputs.length} modules of this package; minified ${kb(minifiedBytes)} KB, gzipped ${kb(gzippedBytes)} KB`);
      if (maxKb !== undefined && gzippedBytes > maxKb * 1024) {
        console.error(`more than ${maxKb} KB gzipped`);
        process.exitCode = 1;
      }
    },
    (error) => {
      console.error(error);
      process.exitCode = 1;
    }
  );
}
