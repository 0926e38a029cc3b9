/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// The browser scenarios (test/browser/scenarios.ts) in Chromium (test/browser/engines.ts says how it is driven).

import { chromiumEngine } from './engines';
import { describeInBrowser } from './scenarios';

describeInBrowser(chromiumEngine);
