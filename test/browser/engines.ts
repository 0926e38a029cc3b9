/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// One tiny driver per browser engine, each from Debian's packages and driven
// headless by a well-kept client (no browser is downloaded): Chromium by
// playwright-core, Firefox ESR by puppeteer-core over WebDriver BiDi, WebKit
// (WebKitGTK's MiniBrowser, which has no headless mode, under Xvfb) by
// selenium-webdriver through WebKitWebDriver. A driver opens the test page
// and calls `window.otel[method](argument)` in it; the page answers with JSON
// text, so every driver gives back the same values.

import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';

import { closedPort } from '../support/server';

export interface BrowserPage {
  /** Calls `window.otel[method](argument)` in the page and parses the JSON text it gives back. */
  call<T>(method: string, argument?: unknown): Promise<T>;
  close(): Promise<void>;
}

export interface BrowserEngine {
  /** As the suite names it: `Chromium`, `Firefox`, `WebKit`. */
  name: string;
  /** The files the engine needs; the suite fails, naming the missing one, without them. */
  executables: string[];
  /** Starts the browser and opens `url`, ready when the page has set `window.otelReady`. */
  open(url: string): Promise<BrowserPage>;
}

const READY = '(globalThis.otelReady === true)';

/** Run in the page (its source is sent there): `window.otel[method](argument)`, awaited. */
function callInPage({ method, argument }: { method: string; argument: unknown }): Promise<string> {
  return Promise.resolve((globalThis as unknown as { otel: Record<string, (argument: unknown) => string> }).otel[method](argument));
}

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const FIREFOX_PATH = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr';
const WEBKIT_DRIVER_PATH = process.env.WEBKIT_DRIVER_PATH || '/usr/bin/WebKitWebDriver';
const MINIBROWSER_PATH = process.env.MINIBROWSER_PATH || '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const XVFB_PATH = process.env.XVFB_PATH || '/usr/bin/Xvfb';

/** What playwright-core's and puppeteer-core's browsers and pages have alike, as far as it is used here. */
interface ScriptedBrowser {
  newPage(): Promise<{
    goto(url: string): Promise<unknown>;
    waitForFunction(expression: string): Promise<unknown>;
    evaluate(run: typeof callInPage, argument: { method: string; argument: unknown }): Promise<string>;
  }>;
  close(): Promise<void>;
}

/** Opens the page in a browser that playwright-core or puppeteer-core launched; closes the browser if it cannot. */
async function openScriptedPage(browser: ScriptedBrowser, url: string): Promise<BrowserPage> {
  try {
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForFunction(READY);
    return {
      call: async (method, argument) => JSON.parse(await page.evaluate(callInPage, { method, argument })),
      close: () => browser.close(),
    };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

export const chromiumEngine: BrowserEngine = {
  name: 'Chromium',
  executables: [CHROMIUM_PATH],
  async open(url) {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'], headless: true });
    return openScriptedPage(browser as unknown as ScriptedBrowser, url);
  },
};

export const firefoxEngine: BrowserEngine = {
  name: 'Firefox',
  executables: [FIREFOX_PATH],
  async open(url) {
    const puppeteer = (await import('puppeteer-core')).default;
    const browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX_PATH, headless: true });
    return openScriptedPage(browser as unknown as ScriptedBrowser, url);
  },
};

/** Resolves when something accepts connections on the port, polling for at most `timeoutMs`. */
async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${child.spawnfile} exited with status ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(socket.end() !== undefined));
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on port ${port} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** An X display of its own, for MiniBrowser: `-displayfd` tells which number it took. */
async function startXvfb(): Promise<{ display: string; process: ChildProcess }> {
  const xvfb = spawn(XVFB_PATH, ['-displayfd', '1', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const display = await new Promise<string>((resolve, reject) => {
    let output = '';
    xvfb.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('\n')) resolve(`:${output.trim()}`);
    });
    xvfb.on('error', reject);
    xvfb.on('exit', (code) => reject(new Error(`Xvfb exited with status ${code}`)));
  });
  return { display, process: xvfb };
}

export const webkitEngine: BrowserEngine = {
  name: 'WebKit',
  executables: [WEBKIT_DRIVER_PATH, MINIBROWSER_PATH, XVFB_PATH],
  async open(url) {
    const { Builder, Capabilities } = await import('selenium-webdriver');
    const xvfb = await startXvfb();
    const port = await closedPort();
    const driverProcess = spawn(WEBKIT_DRIVER_PATH, [`--port=${port}`], { stdio: 'ignore', env: { ...process.env, DISPLAY: xvfb.display } });
    const stop = () => {
      driverProcess.kill();
      xvfb.process.kill();
    };
    try {
      await waitForPort(port, driverProcess, 20000);
      const capabilities = new Capabilities({
        browserName: 'MiniBrowser',
        'webkitgtk:browserOptions': { binary: MINIBROWSER_PATH, args: ['--automation'] },
      });
      const driver = await new Builder().usingServer(`http://127.0.0.1:${port}`).withCapabilities(capabilities).build();
      await driver.manage().setTimeouts({ script: 30000 });
      await driver.get(url);
      await driver.wait(() => driver.executeScript(`return ${READY}`), 20000);
      return {
        call: async (method, argument) =>
          JSON.parse(
            await driver.executeAsyncScript(
              'const [method, argument, done] = arguments; Promise.resolve(globalThis.otel[method](argument)).then(done, (error) => done(JSON.stringify({ thrown: String(error) })));',
              method,
              argument
            )
          ),
        close: async () => {
          try {
            await driver.quit();
          } finally {
            stop();
          }
        },
      };
    } catch (error) {
      stop();
      throw error;
    }
  },
};

/** The engine's missing files, if any. */
export function missingExecutables(engine: BrowserEngine): string[] {
  return engine.executables.filter((file) => !fs.existsSync(file));
}
