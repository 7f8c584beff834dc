// What every emulated API is to the server: it claims the paths it serves, then answers them. The
// server asks its services in order and the first that claims a path answers it, so a service with
// narrower paths (IAM's `/v1/projects/*/serviceAccounts/…`, Vertex AI's `/v1/projects/*/locations/…`)
// comes before one that claims a whole prefix (ml v1's `/v1/`).
import type { Exchange, Reply } from './exchange';

export interface EmulatedService {
  /** Whether this request path (as sent, without the query) is this service's to answer. */
  handles(path: string): boolean;
  /** The answer; undefined when the path is the service's but no route matches (the server answers 404). */
  handle(ex: Exchange): Promise<Reply | undefined>;
  /**
   * Whether a request needs a bearer token: false for services that must answer without one (the
   * token endpoint itself), or per path (OCI-signed paths carry a signature instead). Default true.
   */
  readonly authenticated?: boolean | ((path: string) => boolean);
}
