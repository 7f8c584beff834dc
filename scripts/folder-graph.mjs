#!/usr/bin/env node
// The folder graph of src/: an edge A → B for each import from a file under src/A/ of one under
// src/B/ (a file directly in src/, such as main.ts, is a node of its own). Prints the edges with --edges, then every
// cycle between folders (strongly connected components of more than one folder), and exits 1 when
// there is one: folders form a DAG, and lint keeps them so (file-level cycles are biome's check).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..', 'src');

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** The node a path (a file, or an import specifier resolved without its extension) belongs to. */
function nodeOf(path) {
  const [first, ...rest] = relative(root, path).split('/');
  if (rest.length || (existsSync(path) && statSync(path).isDirectory())) return first;
  return first.endsWith('.ts') ? first : `${first}.ts`;
}

// Static and dynamic imports and re-exports with a relative specifier; comments are stripped first.
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]*)['"]/g;

const edges = new Map();
for (const file of sourceFiles(root)) {
  const text = readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const from = nodeOf(file);
  for (const [, specifier] of text.matchAll(IMPORT)) {
    const target = resolve(dirname(file), specifier);
    if (relative(root, target).startsWith('..')) continue; // package.json and the like
    const to = nodeOf(target);
    if (to === from) continue;
    if (!edges.has(from)) edges.set(from, new Set());
    edges.get(from).add(to);
  }
}

// Tarjan's strongly connected components.
function cycles(graph) {
  const nodes = new Set([...graph.keys(), ...[...graph.values()].flatMap((s) => [...s])]);
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  let next = 0;
  const visit = (v) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) !== index.get(v)) return;
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of [...nodes].sort()) if (!index.has(v)) visit(v);
  return found;
}

if (process.argv.includes('--edges')) {
  for (const [from, tos] of [...edges].sort()) console.log(`${from} → ${[...tos].sort().join(', ')}`);
}
const found = cycles(edges);
for (const component of found) {
  const inside = new Set(component);
  const links = component.flatMap((from) => [...(edges.get(from) ?? [])].filter((to) => inside.has(to)).map((to) => `${from} → ${to}`));
  console.error(`folder cycle: ${component.join(', ')}\n  ${links.join('\n  ')}`);
}
if (found.length) process.exit(1);
console.log(`src/ folder graph: ${edges.size} folders with imports, no cycle`);
