// The Vertex AI target: what the ai-platform commands call when GCLOUD_AIP_TARGET / --target say
// vertex-ai. README.md says what is here; the mapping itself (pure) is src/vertex/.
import { MlApi } from '../../api/ml';
import type { Credentials } from '../../credentials/auth';
import type { HttpClient } from '../../net';
import type { VertexApiVersion } from '../../vertex';
import { VertexClient } from './client';

export type { DeployModelResponse, UploadModelResponse } from './client';
export { VertexClient } from './client';
export { deployVersion } from './deploy-version';

export interface VertexConnection {
  /** The location's endpoint (config/endpoints.ts aiplatformEndpoint). */
  endpoint: string;
  http: HttpClient;
  credentials: Credentials;
  /** v1 on gcloud's GA track, v1beta1 on beta and alpha. */
  apiVersion: VertexApiVersion;
  project: string;
  location: string;
}

/** A client for one location: the track's API version, and v1beta1 for endpoint operation polls. */
export function vertexClient(connection: VertexConnection): VertexClient {
  const { endpoint, http, credentials, apiVersion, project, location } = connection;
  return new VertexClient({
    project,
    location,
    apiVersion,
    api: new MlApi({ endpoint, http, credentials, apiVersion }),
    operationsApi: new MlApi({ endpoint, http, credentials, apiVersion: 'v1beta1' }),
  });
}

// The models, versions and operations commands on Vertex AI (README.md "The sibling commands").
export type { VertexSession } from './lookup';
export { createVertexModel, deleteVertexModel, describeVertexModel, issueLine, listVertexModels, refuseIfAny } from './models';
export { deleteVertexVersion, describeVertexVersion, listVertexVersions, setDefaultVertexVersion } from './versions';
export {
  cancelVertexOperation,
  describeVertexOperation,
  listVertexOperations,
  vertexOperationLocation,
  waitVertexOperation,
} from './operations';
