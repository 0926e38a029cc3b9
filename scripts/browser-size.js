#!/usr/bin/env node
/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// What this package's own code adds to a page's bundle: the built browser
// entry (dist/, so run `npm run build` first) bundled by esbuild for browsers,
// minified, with OpenTelemetry and axios left out (the page has them anyway),
// then gzipped. Prints the figures; `--max-kb N` fails above N KB gzipped.

const path = require('path');
const zlib = require('zlib');
const esbuild = require('esbuild');

const ROOT = path.resolve(__dirname, '..');

async function measureBrowserSize() {
  const result = await esbuild.build({
    entryPoints: [path.join(ROOT, 'dist/index.js')],
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
    inputs: Object.keys(result.metafile.inputs),
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
