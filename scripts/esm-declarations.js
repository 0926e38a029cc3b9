#!/usr/bin/env node
/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// The ESM build (dist/esm/, which bundlers take through the `browser` and
// `import` conditions) exports what the CommonJS build exports, by name, and
// nothing by default. Its declarations are those of the CommonJS build, given
// in a .d.mts file so that TypeScript reads them as an ES module's: one .d.ts
// for both builds would describe the ESM build as CommonJS, with a default
// export it does not have.

'use strict';

const fs = require('fs');
const path = require('path');

const target = path.join(__dirname, '..', 'dist', 'esm', 'index.d.mts');
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.writeFileSync(target, "export * from '../index.js';\n");
