// undici's private module paths and its legacy handler form, used here and nowhere else (see
// README.md). Loading `undici` itself evaluates its index: fetch, WebSocket, caches, mock agents,
// which no command uses; these paths load only the dispatcher classes. They are private, so
// package.json pins undici to the minor version they were read from (~7.30), and
// test/unit/runtime-undici-internals.test.ts loads each one.
import type { Dispatcher } from 'undici';

type Undici = typeof import('undici');

/** The paths below, for the test that loads each (a minor release may move them). */
export const UNDICI_PRIVATE_PATHS = [
  'undici/lib/dispatcher/agent',
  'undici/lib/core/connect',
  'undici/lib/dispatcher/dispatcher',
  'undici/lib/api/api-connect',
  'undici/lib/dispatcher/proxy-agent',
  'undici/lib/dispatcher/pool',
] as const;

export function loadAgent(): Undici['Agent'] {
  return require('undici/lib/dispatcher/agent');
}

/** The proxy tunnels' pool, built by hand so each pool's handshakes can be bounded (net/dispatchers.ts). */
export function loadPool(): Undici['Pool'] {
  return require('undici/lib/dispatcher/pool');
}

export function loadBuildConnector(): Undici['buildConnector'] {
  return require('undici/lib/core/connect');
}

/**
 * ProxyAgent opens its tunnels with Dispatcher#connect, one of the request APIs undici's index adds
 * to the prototype: added here the same way, once.
 */
export function loadProxyAgent(): Undici['ProxyAgent'] {
  const DispatcherClass = require('undici/lib/dispatcher/dispatcher') as { prototype: Record<string, unknown> };
  DispatcherClass.prototype.connect ??= require('undici/lib/api/api-connect');
  return require('undici/lib/dispatcher/proxy-agent');
}

/**
 * undici's callback handler: deprecated in undici 7 (its typings list only the controller form,
 * onRequestStart/onResponseStart/…), still served by every dispatcher through its wrapper.
 */
export interface CallbackHandler {
  onConnect(abort: (err: Error) => void): void;
  onRequestSent(): void;
  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean;
  onData(chunk: Buffer): boolean;
  onComplete(): void;
  onError(err: Error): void;
}

/** Dispatches with a callback handler; the one cast between the two handler forms. */
export function dispatchWithCallbacks(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions, handler: CallbackHandler): void {
  dispatcher.dispatch(options, handler as unknown as Dispatcher.DispatchHandler);
}
