// The ml v1 models, versions and operations calls the management commands make, on top of MlApi,
// and how gcloud turns a MODEL / VERSION / OPERATION argument into a resource name.
import { UserError } from '../errors';
import type { MlApi, Operation } from './ml';
import type { MessageType } from './messages';

// gcloud parses these arguments with its resource registry: a relative name (`projects/P/models/M`)
// or a resource URL (as `list --uri` prints) names its own project; anything else is an id under
// core/project, sent as it is (even with slashes in it).
const MODEL_NAME = /^projects\/[^/]+\/models\/[^/]+$/;
const VERSION_NAME = /^projects\/[^/]+\/models\/[^/]+\/versions\/[^/]+$/;
const OPERATION_NAME = /^projects\/[^/]+\/operations\/[^/]+$/;

function relativeName(argument: string, pattern: RegExp): string | undefined {
  // An empty id names nothing: gcloud's registry refuses it before any request.
  if (argument === '') throw new UserError('could not parse resource []');
  const path = /^https?:\/\/[^/]+\/(?:.*\/)?v1\/(.*)$/.exec(argument)?.[1] ?? argument;
  return pattern.test(path) ? path : undefined;
}

export function modelName(model: string, project: () => string): string {
  return relativeName(model, MODEL_NAME) ?? `projects/${project()}/models/${model}`;
}

/** A relative VERSION name wins over --model; otherwise --model is taken as an id, as gcloud does. */
export function versionName(model: string, version: string, project: () => string): string {
  return relativeName(version, VERSION_NAME) ?? `projects/${project()}/models/${model}/versions/${version}`;
}

export function operationName(operation: string, project: () => string): string {
  return relativeName(operation, OPERATION_NAME) ?? `projects/${project()}/operations/${operation}`;
}

/** The last segment of a resource name (gcloud's Name()). */
export function basename(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

export type Resource = Record<string, unknown>;

/** gcloud lists with apitools' pager: pageSize=100, following nextPageToken page by page. */
const LIST_PAGE_SIZE = '100';

/**
 * Every item of a list call, lazily, like apitools' YieldFromList: the next page is fetched only when
 * its items are wanted. `type`: decode pages as that ml v1 message; `query`: more parameters (a filter).
 */
export async function* listAll(
  api: MlApi,
  parent: string,
  field: string,
  options: { type?: MessageType; query?: Record<string, string> } = {},
): AsyncGenerator<Resource> {
  const seenTokens = new Set<string>();
  let pageToken: string | undefined;
  do {
    const query: Record<string, string> = { ...options.query, pageSize: LIST_PAGE_SIZE, ...(pageToken ? { pageToken } : {}) };
    const page = options.type
      ? await api.message(options.type, 'GET', parent, undefined, query)
      : await api.call<Resource>('GET', parent, undefined, undefined, query);
    const found = page[field] ?? [];
    if (!Array.isArray(found)) throw new UserError(`The server answered GET [${parent}] with a page whose [${field}] is not a list.`);
    yield* found as Resource[];
    pageToken = typeof page.nextPageToken === 'string' && page.nextPageToken ? page.nextPageToken : undefined;
    // A server that hands back a token it gave before would keep the listing going for ever.
    if (pageToken !== undefined && seenTokens.has(pageToken)) {
      throw new UserError(`The server answered GET [${parent}] with a page token it had already given; the listing stops here.`);
    }
    if (pageToken !== undefined) seenTokens.add(pageToken);
  } while (pageToken);
}

export class MlResources {
  constructor(readonly api: MlApi) {}

  private listAll(parent: string, field: string, type?: MessageType): AsyncGenerator<Resource> {
    return listAll(this.api, parent, field, { type });
  }

  getModel(name: string): Promise<Resource> {
    return this.api.message('GoogleCloudMlV1Model', 'GET', name);
  }

  getVersion(name: string): Promise<Resource> {
    return this.api.message('GoogleCloudMlV1Version', 'GET', name);
  }

  getOperation(name: string): Promise<Resource> {
    return this.api.call<Resource>('GET', name);
  }

  delete(name: string): Promise<Operation> {
    return this.api.startOperation('DELETE', name);
  }

  createModel(project: string, model: Resource): Promise<Resource> {
    return this.api.message('GoogleCloudMlV1Model', 'POST', `projects/${project}/models`, model);
  }

  listModels(project: string): AsyncGenerator<Resource> {
    return this.listAll(`projects/${project}/models`, 'models', 'GoogleCloudMlV1ListModelsResponse');
  }

  listVersions(model: string): AsyncGenerator<Resource> {
    return this.listAll(`${model}/versions`, 'versions', 'GoogleCloudMlV1ListVersionsResponse');
  }

  /** gcloud sends an empty SetDefaultVersionRequest: `{}`. */
  setDefaultVersion(version: string): Promise<Resource> {
    return this.api.message('GoogleCloudMlV1Version', 'POST', `${version}:setDefault`, {});
  }

  listOperations(project: string): AsyncGenerator<Resource> {
    return this.listAll(`projects/${project}/operations`, 'operations');
  }

  cancelOperation(operation: string): Promise<Resource> {
    return this.api.call<Resource>('POST', `${operation}:cancel`);
  }
}
