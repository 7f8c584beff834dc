#!/usr/bin/env node
// Functions in src/ longer than ~80 lines (CONTRIBUTING: "no function over ~80 lines without a
// reason written beside it"). Prints each as `lines  file:line  name`, marking those whose leading
// comment gives the reason (says why it is long); `--check` exits 1 when one has none.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const LIMIT = 80;
const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const sourceFiles = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });

/** The node whose leading comment documents a function: its declaration statement, property or variable. */
function documented(node) {
  let at = node;
  while (
    at.parent &&
    !ts.isSourceFile(at.parent) &&
    !ts.isBlock(at.parent) &&
    !ts.isClassLike(at.parent) &&
    !ts.isObjectLiteralExpression(at.parent)
  ) {
    at = at.parent;
  }
  return at;
}

const unexplained = [];
for (const file of sourceFiles(join(root, 'src'))) {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const visit = (node) => {
    if (ts.isFunctionLike(node) && node.body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const lines = source.getLineAndCharacterOfPosition(node.end).line - first + 1;
      if (lines > LIMIT) {
        const holder = documented(node);
        const comments = (ts.getLeadingCommentRanges(text, holder.getFullStart()) ?? []).map((c) => text.slice(c.pos, c.end)).join('\n');
        const reason = /\blong\b/i.test(comments);
        const name = node.name?.getText() ?? holder.name?.getText?.() ?? '(anonymous)';
        console.log(`${String(lines).padStart(4)}  ${relative(root, file)}:${first + 1}  ${name}${reason ? '  (reason given)' : ''}`);
        if (!reason) unexplained.push(name);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}
if (process.argv.includes('--check') && unexplained.length) {
  console.error(
    `${unexplained.length} function(s) over ${LIMIT} lines without a reason beside them: split them, or say why in the comment above.`,
  );
  process.exit(1);
}
