'use strict';
// captureAll's capture path alone, for callgrind: `bodyAttributes` with the default
// scrubber on one 1 KiB body, 3,000 calls of warm-up then N counted calls.
//
//   valgrind --tool=callgrind node bench/scrub-path.js build-base 4000 bench
//   valgrind --tool=callgrind node bench/scrub-path.js build-base 24000 bench
//
// (instructions of the second − the first) / 20,000 is the cost of one body, startup
// and warm-up cancelled; leave V8's compiler functions out as bench/instructions.js does.
// Bodies: `bench` (the bench server's JSON answer), `llm` (a chat answer: one long string of prose).
const path = require('path');
const [dist, iterations, kind] = [process.argv[2], Number(process.argv[3]), process.argv[4] || 'bench'];
const { bodyAttributes } = require(path.resolve(dist, 'body'));
const { resolveConfig } = require(path.resolve(dist, 'config'));
const scrub = resolveConfig({ captureAll: true }).capture.scrubBody;
const item = { id: 12345, name: 'benchmark item', tags: ['a', 'b', 'c'], active: true };
const items = [];
while (JSON.stringify({ items }).length < 1024) items.push(item);
const bodies = {
  bench: JSON.stringify({ items }),
  llm: JSON.stringify({ id: 'chatcmpl-1', choices: [{ index: 0, message: { role: 'assistant', content: 'Tokens are pieces of words; your session with the author resumes. '.repeat(12) } }], usage: { prompt_tokens: 12, completion_tokens: 48, total_tokens: 60 } }).slice(0, 1024),
};
const body = bodies[kind];
const names = { content: 'c', size: 's', truncated: 't' };
for (let i = 0; i < 3000; i += 1) bodyAttributes(body, 'application/json', String(body.length), 16384, names, false, scrub, []);
let sink = 0;
for (let i = 0; i < iterations; i += 1) sink += bodyAttributes(body, 'application/json', String(body.length), 16384, names, false, scrub, []).c.length;
if (sink < 0) console.log(sink);
