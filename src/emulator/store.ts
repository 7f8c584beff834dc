// The emulator's state: ml models/versions/operations, Vertex AI models/endpoints/operations, Cloud Storage object metadata and resumable
// upload sessions, plus where object bytes live on disk.
//
// With a data directory everything survives a restart: the metadata is one JSON file rewritten
// atomically (temp file + rename) after every mutation, object bytes are files under objects/,
// and resumable sessions append to files under uploads/. Without one, bytes go to a private temp
// directory removed on close and the metadata stays in memory.

import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type JsonObject = Record<string, unknown>;

export interface VersionRecord {
  id: string;
  /** The Version resource as stored (name made full, output-only fields set; no isDefault). */
  resource: JsonObject;
  /** The CREATE_VERSION operation that settles this version's state. */
  createOperation?: string;
}

export interface ModelRecord {
  project: string;
  id: string;
  /** The Model resource without defaultVersion (that is derived from `defaultVersion`). */
  resource: JsonObject;
  defaultVersion: string | null;
  versions: Map<string, VersionRecord>;
}

export interface OperationRecord {
  name: string;
  project: string;
  metadata: JsonObject;
  /** When a pending operation completes (epoch ms); it is settled lazily once this has passed. */
  doneAt: number;
  done: boolean;
  response?: JsonObject;
  error?: { code: number; message: string };
  /** For CREATE_VERSION: which version it creates. */
  model?: string;
  version?: string;
}

export interface StoredObject {
  bucket: string;
  name: string;
  generation: string;
  contentType: string;
  size: number;
  md5Hash: string;
  crc32c: string;
  timeCreated: string;
  /** Optional resource fields the uploader set (metadata, cacheControl, contentEncoding, ...). */
  extra: JsonObject;
}

export interface UploadSession {
  id: string;
  bucket: string;
  name: string;
  contentType: string;
  /** The object resource fields sent when the session was started. */
  metadata: JsonObject;
  /** Total object size once known (X-Upload-Content-Length or a Content-Range total). */
  total: number | null;
  /** Bytes persisted so far; the session file is truncated back to this before each write. */
  committed: number;
  createdAt: number;
  /** Set once the upload finished: the generation of the object it created. */
  finishedGeneration?: string;
  /** The start request's ifGenerationMatch precondition, checked again when the upload finishes. */
  ifGenerationMatch?: string;
}

/** A bucket made by buckets.insert (or the emulator's --buckets); objects live only in one of these. */
export interface BucketRecord {
  name: string;
  project: string;
  timeCreated: string;
}

/** One version of a Vertex AI registry model: the Model resource as that version shows it. */
export interface VertexVersionRecord {
  versionId: string;
  /** Everything but name, versionId, versionAliases and deployedModels, which the views add. */
  resource: JsonObject;
  versionAliases: string[];
}

/** A Vertex AI registry model, keyed by its name (`projects/NUMBER/locations/R/models/ID`). */
export interface VertexModelRecord {
  name: string;
  versions: VertexVersionRecord[];
  /** versionId counter: IDs are never reused, even after deleteVersion. */
  lastVersionId: number;
}

/** A Vertex AI endpoint, keyed by its name; deployedModels and trafficSplit live in the resource. */
export interface VertexEndpointRecord {
  name: string;
  resource: JsonObject;
}

export interface VertexOperationRecord {
  name: string;
  /** What it does once due (vertex/operations.ts), with the request it checked. */
  kind: string;
  request: JsonObject;
  metadata: JsonObject;
  doneAt: number;
  done: boolean;
  response?: JsonObject;
  error?: { code: number; message: string };
}

export interface VertexState {
  models: Record<string, VertexModelRecord>;
  endpoints: Record<string, VertexEndpointRecord>;
  operations: Record<string, VertexOperationRecord>;
}

interface PersistedState {
  format: 1;
  counters: { generation: number; operationMillis: number };
  models: Array<Omit<ModelRecord, 'versions'> & { versions: VersionRecord[] }>;
  operations: OperationRecord[];
  objects: StoredObject[];
  sessions: UploadSession[];
  /** Absent in states written before buckets had to be created: every bucket with objects exists. */
  buckets?: BucketRecord[];
  /** Absent in states written before the Vertex AI service existed. */
  vertex?: VertexState;
}

const STATE_FILE = 'state.json';
/** Finished sessions are kept (so a repeated final PUT still gets the object) up to this many. */
const FINISHED_SESSIONS_KEPT = 1000;

export class Store {
  readonly models = new Map<string, ModelRecord>();
  readonly operations = new Map<string, OperationRecord>();
  /** Operations not settled yet, so each request only looks at those. */
  readonly pendingOperations = new Set<string>();
  readonly buckets = new Map<string, Map<string, StoredObject>>();
  /** The buckets that exist, by name. */
  readonly bucketRecords = new Map<string, BucketRecord>();
  readonly sessions = new Map<string, UploadSession>();
  /** The Vertex AI service's registry models, endpoints and operations (plain records: persisted as they are). */
  readonly vertex: VertexState = { models: {}, endpoints: {}, operations: {} };

  private generationCounter = 0;
  private operationMillis = 0;
  private flushing: Promise<void> | null = null;
  private dirty = false;

  private constructor(
    /** Root for objects/, uploads/ and tmp/. */
    private readonly root: string,
    private readonly persistent: boolean,
  ) {}

  static open(dataDir?: string): Store {
    const store = dataDir ? new Store(dataDir, true) : new Store(mkdtempSync(join(tmpdir(), 'gcloud-aip-emulator-')), false);
    for (const dir of ['objects', 'uploads', 'tmp']) mkdirSync(join(store.root, dir), { recursive: true });
    // Bodies of requests interrupted by a previous shutdown are garbage.
    for (const leftover of readdirSync(join(store.root, 'tmp'))) rmSync(join(store.root, 'tmp', leftover), { force: true });
    if (dataDir) store.load();
    return store;
  }

  static modelKey(project: string, model: string): string {
    return `${project}\u0000${model}`;
  }

  // ---- ids and clocks -----------------------------------------------------------------------

  /** Object generations: microsecond-like numbers that only grow, even across restarts. */
  nextGeneration(): string {
    this.generationCounter = Math.max(this.generationCounter + 1, Date.now() * 1000);
    return String(this.generationCounter);
  }

  /** Epoch milliseconds for operation names, unique per emulator state. */
  nextOperationMillis(): number {
    this.operationMillis = Math.max(this.operationMillis + 1, Date.now());
    return this.operationMillis;
  }

  static newEtag(): string {
    return randomBytes(8).toString('base64');
  }

  // ---- object bytes ---------------------------------------------------------------------------

  objectPath(bucket: string, name: string): string {
    const key = createHash('sha256').update(bucket).update('\u0000').update(name).digest('hex');
    return join(this.root, 'objects', key);
  }

  sessionPath(id: string): string {
    return join(this.root, 'uploads', id);
  }

  /** A fresh path for a body being received; moved into objects/ when complete. */
  tempPath(): string {
    return join(this.root, 'tmp', randomBytes(12).toString('hex'));
  }

  /** Creates a bucket; false when one of that name exists already. */
  createBucket(name: string, project: string): boolean {
    if (this.bucketRecords.has(name)) return false;
    this.bucketRecords.set(name, { name, project, timeCreated: new Date().toISOString() });
    return true;
  }

  getObject(bucket: string, name: string): StoredObject | undefined {
    return this.buckets.get(bucket)?.get(name);
  }

  /** Makes `file` the bytes of the object and records its metadata, in one step. */
  putObject(object: StoredObject, file: string): void {
    // Synchronous on purpose: the rename and the metadata change happen together, so concurrent
    // uploads of one name can never leave bytes of one and metadata of the other.
    renameSync(file, this.objectPath(object.bucket, object.name));
    let bucket = this.buckets.get(object.bucket);
    if (!bucket) this.buckets.set(object.bucket, (bucket = new Map()));
    bucket.set(object.name, object);
  }

  deleteObject(bucket: string, name: string): boolean {
    const objects = this.buckets.get(bucket);
    if (!objects?.has(name)) return false;
    objects.delete(name);
    rmSync(this.objectPath(bucket, name), { force: true });
    return true;
  }

  hasObjectWithPrefix(bucket: string, prefix: string): boolean {
    for (const name of this.buckets.get(bucket)?.keys() ?? []) if (name.startsWith(prefix)) return true;
    return false;
  }

  forgetFinishedSessions(keep = FINISHED_SESSIONS_KEPT): void {
    const finished = [...this.sessions.values()].filter((s) => s.finishedGeneration !== undefined);
    for (const session of finished.slice(0, Math.max(0, finished.length - keep))) {
      this.sessions.delete(session.id);
    }
  }

  // ---- persistence ----------------------------------------------------------------------------

  /**
   * Persists the state. Mutations in the same tick share one write; callers await this before
   * answering, so an acknowledged change is on disk.
   */
  save(): Promise<void> {
    if (!this.persistent) return Promise.resolve();
    this.dirty = true;
    this.flushing ??= new Promise<void>((resolve, reject) => {
      setImmediate(() => {
        this.flushing = null;
        try {
          if (this.dirty) this.writeStateFile();
          resolve();
        } catch (e) {
          reject(e);
        }
      });
    });
    return this.flushing;
  }

  private writeStateFile(): void {
    this.dirty = false;
    const state: PersistedState = {
      format: 1,
      counters: { generation: this.generationCounter, operationMillis: this.operationMillis },
      models: [...this.models.values()].map((m) => ({ ...m, versions: [...m.versions.values()] })),
      operations: [...this.operations.values()],
      objects: [...this.buckets.values()].flatMap((objects) => [...objects.values()]),
      sessions: [...this.sessions.values()],
      buckets: [...this.bucketRecords.values()],
      vertex: this.vertex,
    };
    const target = join(this.root, STATE_FILE);
    const temp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(temp, JSON.stringify(state));
    renameSync(temp, target);
  }

  private load(): void {
    let text: string;
    try {
      text = readFileSync(join(this.root, STATE_FILE), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    // A state file that does not parse is not silently replaced: that would lose data.
    const state = JSON.parse(text) as PersistedState;
    if (state.format !== 1) throw new Error(`unsupported emulator state format ${String(state.format)} in ${this.root}`);
    this.generationCounter = state.counters.generation;
    this.operationMillis = state.counters.operationMillis;
    for (const model of state.models) {
      this.models.set(Store.modelKey(model.project, model.id), {
        ...model,
        versions: new Map(model.versions.map((v) => [v.id, v])),
      });
    }
    for (const operation of state.operations) {
      this.operations.set(operation.name, operation);
      if (!operation.done) this.pendingOperations.add(operation.name);
    }
    for (const object of state.objects) {
      let bucket = this.buckets.get(object.bucket);
      if (!bucket) this.buckets.set(object.bucket, (bucket = new Map()));
      bucket.set(object.name, object);
    }
    for (const session of state.sessions) this.sessions.set(session.id, session);
    const buckets =
      state.buckets ?? [...this.buckets.keys()].map((name) => ({ name, project: '', timeCreated: new Date(0).toISOString() }));
    for (const bucket of buckets) this.bucketRecords.set(bucket.name, bucket);
    if (state.vertex) Object.assign(this.vertex, state.vertex);
  }

  /** Waits for a pending write; removes the private temp directory of an in-memory store. */
  async close(): Promise<void> {
    if (this.flushing) await this.flushing.catch(() => undefined);
    if (!this.persistent) rmSync(this.root, { recursive: true, force: true });
  }
}
