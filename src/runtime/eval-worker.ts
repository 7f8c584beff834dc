// A worker thread run from source text (`eval: true`) rather than from a file: the bundle needs no
// second entry point and nothing beside it to find at run time. A function can be carried into the
// text from its own source, if it refers to nothing outside itself (see README.md).
import type { Worker, WorkerOptions } from 'node:worker_threads';

/**
 * An expression whose value is `fn`, for a worker's source text. `__name` is what a bundler that
 * keeps function names may wrap a function in; the worker defines it as the identity.
 */
export function functionSource(fn: (...args: never[]) => unknown): string {
  return `((__name) => (${fn.toString()}))((fn) => fn)`;
}

/** Starts a worker running `source`, a CommonJS script (it can `require` Node's built-in modules). */
export function startEvalWorker(source: string, options: Omit<WorkerOptions, 'eval'>): Worker {
  // Required here: the front door is loaded at start-up, node:worker_threads only by a big deploy.
  const { Worker: WorkerClass } = require('node:worker_threads') as typeof import('node:worker_threads');
  return new WorkerClass(source, { ...options, eval: true });
}
