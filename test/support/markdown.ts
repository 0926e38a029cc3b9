/*
 * Copyright The opentelemetry-instrumentation-axios authors
 * SPDX-License-Identifier: Apache-2.0
 */

// Reading the project's Markdown the way GitHub renders it: fenced code blocks,
// headings and their anchors, and links outside code.

import * as fs from 'fs';
import * as path from 'path';

export const REPOSITORY_ROOT = path.resolve(__dirname, '..', '..', '..');

/** README.md and every page under docs/, as paths relative to the repository root. */
export function documentationFiles(): string[] {
  const docs = path.join(REPOSITORY_ROOT, 'docs');
  const pages = fs.existsSync(docs)
    ? fs.readdirSync(docs).filter((name) => name.endsWith('.md')).sort().map((name) => `docs/${name}`)
    : [];
  return ['README.md', ...pages];
}

export interface CodeBlock {
  /** The language written after the opening fence (`ts`, `js`, `sh`, ...), lower-case. */
  language: string;
  /** The 1-based line of the opening fence in the Markdown file. */
  fenceLine: number;
  /** The lines between the fences, with the block's indentation (a block inside a list item) taken off. */
  lines: string[];
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)/;

/** The fenced code blocks of a Markdown text, and its lines with the code blocks blanked out. */
export function splitMarkdown(text: string): { blocks: CodeBlock[]; prose: string[] } {
  const lines = text.split(/\r?\n/);
  const blocks: CodeBlock[] = [];
  const prose: string[] = [];
  let open: { indent: number; fence: string; block: CodeBlock } | undefined;
  lines.forEach((line, index) => {
    if (open) {
      const closing = line.trim();
      if (closing.startsWith(open.fence) && closing.replace(/[`~]/g, '') === '') {
        blocks.push(open.block);
        open = undefined;
      } else {
        open.block.lines.push(line.slice(Math.min(open.indent, line.length - line.trimStart().length)));
      }
      prose.push('');
      return;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      open = { indent: fence[1].length, fence: fence[2], block: { language: fence[3].toLowerCase(), fenceLine: index + 1, lines: [] } };
      prose.push('');
      return;
    }
    prose.push(line);
  });
  return { blocks, prose };
}

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens. */
export function githubSlug(heading: string): string {
  return heading
    .replace(/<[^>]+>/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Every anchor a Markdown text's headings give, with GitHub's -1, -2 suffixes for repeated ones. */
export function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of splitMarkdown(text).prose) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const slug = githubSlug(heading[1]);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

export interface Link {
  target: string;
  line: number;
}

/** Inline links `[text](target)` and reference definitions `[label]: target`, outside code blocks and code spans. */
export function linksOf(text: string): Link[] {
  const links: Link[] = [];
  splitMarkdown(text).prose.forEach((rawLine, index) => {
    const line = rawLine.replace(/(`+)[^`]*?\1/g, '');
    for (const match of line.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ target: match[1], line: index + 1 });
    const definition = /^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/.exec(line);
    if (definition) links.push({ target: definition[1], line: index + 1 });
  });
  return links;
}

/** Words as `wc -w` counts them; with `withCode: false`, fenced code blocks are left out. */
export function countWords(text: string, { withCode }: { withCode: boolean }): number {
  const counted = withCode ? text : splitMarkdown(text).prose.join('\n');
  return counted.split(/\s+/).filter((word) => word.length > 0).length;
}
