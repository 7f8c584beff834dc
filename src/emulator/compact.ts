// Compaction of a data directory (`emulators ai-platform compact`), run while no emulator uses it.
// What a data directory keeps: state.json (models, versions, operations, buckets, object metadata,
// upload sessions), objects/ (one file per object) and uploads/ (bodies of resumable uploads).
// Cloud Storage keeps objects after the version that used them is deleted, and every deploy of a
// changed model stages a new folder, so objects/ only grows; compaction keeps what versions use.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { asObject } from './rpc';
import { Store } from './store';

export interface CompactReport {
  /** Objects no version (ml or Vertex AI) holds, deleted. */
  objectsRemoved: number;
  objectsKept: number;
  /** Files with no object or live upload behind them (interrupted writes, finished uploads). */
  leftoverFiles: number;
  bytesFreed: number;
}

/** Deletes the objects no existing version uses and the files nothing refers to. */
export async function compactDataDir(dataDir: string): Promise<CompactReport> {
  const store = Store.open(dataDir);
  const report: CompactReport = { objectsRemoved: 0, objectsKept: 0, leftoverFiles: 0, bytesFreed: 0 };
  const used = usedPrefixes(store);
  for (const [bucket, objects] of store.buckets) {
    for (const [name, object] of [...objects]) {
      if (used.some((p) => p.bucket === bucket && name.startsWith(p.prefix))) {
        report.objectsKept++;
        continue;
      }
      store.deleteObject(bucket, name);
      report.objectsRemoved++;
      report.bytesFreed += object.size;
    }
  }
  // With no emulator running, no finished upload will see its final request repeated.
  store.forgetFinishedSessions(0);
  const liveFiles = new Set([
    ...[...store.buckets].flatMap(([bucket, objects]) => [...objects.keys()].map((name) => store.objectPath(bucket, name))),
    ...[...store.sessions.keys()].map((id) => store.sessionPath(id)),
  ]);
  for (const dir of ['objects', 'uploads']) {
    for (const file of readdirSync(join(dataDir, dir)).map((f) => join(dataDir, dir, f))) {
      if (liveFiles.has(file)) continue;
      report.bytesFreed += statSync(file).size;
      rmSync(file, { force: true });
      report.leftoverFiles++;
    }
  }
  await store.save();
  await store.close();
  return report;
}

/**
 * The gs:// folders something still loads from (a version of any state holds its files): ml
 * versions' deploymentUri, Vertex AI registry versions' artifactUri (deployed again later), and that
 * of a Vertex AI upload not carried out yet.
 */
function usedPrefixes(store: Store): { bucket: string; prefix: string }[] {
  const uris = [
    ...[...store.models.values()].flatMap((model) => [...model.versions.values()].map((version) => version.resource.deploymentUri)),
    ...Object.values(store.vertex.models).flatMap((model) => model.versions.map((version) => version.resource.artifactUri)),
    ...Object.values(store.vertex.operations)
      .filter((operation) => !operation.done && operation.kind === 'upload')
      .map((operation) => asObject(asObject(operation.request.body).model).artifactUri),
  ];
  return uris.flatMap((uri) => {
    const m = /^gs:\/\/([^/]+)\/?(.*)$/.exec(String(uri ?? ''));
    return m ? [{ bucket: m[1], prefix: m[2] }] : [];
  });
}
