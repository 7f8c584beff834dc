// The runtime tricks' front door (see README.md): V8 flags, undici's private paths and legacy
// handler, workers run from source text. Each says what it gains and when it can go.
export { functionSource, startEvalWorker } from './eval-worker';
export {
  dispatchWithCallbacks,
  loadAgent,
  loadBuildConnector,
  loadPool,
  loadProxyAgent,
  UNDICI_PRIVATE_PATHS,
  type CallbackHandler,
} from './undici-internals';
export { keepWasmOnBaselineTier, restoreStagingTuningAfterWorkerStart, tuneV8ForStaging } from './v8-flags';
