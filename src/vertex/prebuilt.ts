// Chooses the prebuilt serving container for an AI Platform runtime version and framework, from the
// data in containers.ts. Policy (README "Containers"): the library a model was saved with is never
// changed for the user: the container is the one whose framework version equals the runtime's
// (major.minor), or none. A container past its documented end of availability is still sent, with
// a warning naming the date and --image: what end of availability blocks is not documented, the
// service is the authority, and refusing would refuse every AI Platform TensorFlow runtime.
import type { IssueList } from './issues';
import {
  type Accelerator,
  type BundledLibrary,
  DEFAULT_REPOSITORY,
  type Framework,
  IMAGES,
  type ImageRow,
  REPOSITORIES,
  RUNTIMES,
  type RuntimeRow,
} from './containers';

const LIBRARY_NAMES: Record<Framework, string> = { TENSORFLOW: 'TensorFlow', SCIKIT_LEARN: 'scikit-learn', XGBOOST: 'XGBoost' };

/**
 * The file names a prebuilt container loads from the artifact directory, as AI Platform did
 * (https://cloud.google.com/vertex-ai/docs/training/exporting-model-artifacts).
 */
const MODEL_FILES: Record<Framework, readonly string[]> = {
  TENSORFLOW: ['saved_model.pb'],
  SCIKIT_LEARN: ['model.joblib', 'model.pkl'],
  XGBOOST: ['model.bst', 'model.joblib', 'model.pkl'],
};

/** `us-central1` → `us-docker.pkg.dev`, `europe-west4` → `europe-docker.pkg.dev`, … */
export function repositoryFor(location: string): string {
  const first = location.split('-')[0];
  return REPOSITORIES.find((r) => r.prefixes.includes(first))?.host ?? DEFAULT_REPOSITORY;
}

function prebuiltImageUri(image: string, location: string): string {
  return `${repositoryFor(location)}/vertex-ai/prediction/${image}:latest`;
}

/** `2.11`, `2.11.0` → [2, 11]; undefined unless a plain dotted number. */
function majorMinor(value: string): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)(?:\.\d+)*$/.exec(value.trim());
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

function runtimeRow(runtimeVersion: string): RuntimeRow | undefined {
  const mm = majorMinor(runtimeVersion);
  return mm && RUNTIMES.find((row) => row.runtime === `${mm[0]}.${mm[1]}`);
}

function imageRow(framework: Framework, version: string, accelerator: Accelerator): ImageRow | undefined {
  return IMAGES.find((row) => row.framework === framework && row.version === version && row.accelerator === accelerator);
}

/** The newest image of a framework still available on `today`: named in warnings, never chosen. */
function newestAvailable(framework: Framework, accelerator: Accelerator, today: string): ImageRow | undefined {
  const rows = IMAGES.filter((row) => row.framework === framework && row.accelerator === accelerator);
  const open = rows.filter((row) => row.endOfAvailability !== null && row.endOfAvailability > today);
  const byVersion = (a: ImageRow, b: ImageRow) => compareVersions(b.version, a.version);
  return open.sort(byVersion)[0];
}

function compareVersions(a: string, b: string): number {
  const [x, y] = [majorMinor(a) ?? [0, 0], majorMinor(b) ?? [0, 0]];
  return x[0] - y[0] || x[1] - y[1];
}

export interface PrebuiltRequest {
  runtimeVersion?: string;
  pythonVersion?: string;
  framework: Framework;
  accelerator: Accelerator;
  location: string;
  /** YYYY-MM-DD: availability dates are compared with it. */
  today: string;
  /** Top-level file names of a local --origin, when known: checked against MODEL_FILES. */
  originFiles?: readonly string[];
}

export interface PrebuiltChoice {
  imageUri: string;
  image: ImageRow;
  library: BundledLibrary;
}

const IMAGE_HINT = 'or name a serving container with --image';

/** The container for the request, or undefined after refusing; warnings are added to `issues`. */
export function choosePrebuiltContainer(request: PrebuiltRequest, issues: IssueList): PrebuiltChoice | undefined {
  const { runtimeVersion, pythonVersion, framework, accelerator } = request;
  const python = pythonVersion?.trim();
  if (python === '2.7' || python === '3.5') {
    issues.refuse('pythonVersion', `Python ${python} has no Vertex AI prebuilt container (they run Python 3.7 or later); ${IMAGE_HINT}`);
  }
  if (runtimeVersion === undefined) {
    issues.refuse(
      'runtimeVersion',
      `Vertex AI needs a runtime version to choose a prebuilt container: set --runtime-version, ${IMAGE_HINT}`,
    );
    return undefined;
  }
  const row = runtimeRow(runtimeVersion);
  if (!row) {
    const mm = majorMinor(runtimeVersion);
    const known = RUNTIMES.map((r) => r.runtime).join(', ');
    issues.refuse(
      'runtimeVersion',
      mm && compareVersions(`${mm[0]}.${mm[1]}`, '1.15') < 0
        ? `runtime ${runtimeVersion} has no Vertex AI prebuilt container (the oldest is TensorFlow 1.15); re-export the model for a newer runtime, ${IMAGE_HINT}`
        : `runtime ${runtimeVersion} is not an AI Platform runtime version with a Vertex AI container (known: ${known}); ${IMAGE_HINT}`,
    );
    return undefined;
  }
  if (python === '2.7' || python === '3.5') return undefined;

  const library = row.libraries[framework];
  const name = LIBRARY_NAMES[framework];
  const image = imageRow(framework, library.version, accelerator);
  if (!image) {
    issues.refuse(
      accelerator === 'GPU' ? 'acceleratorConfig' : 'framework',
      `Vertex AI has no ${accelerator} prebuilt container for ${name} ${library.version} (runtime ${row.runtime}); ${IMAGE_HINT}`,
    );
    return undefined;
  }
  if (!library.confirmed) {
    issues.warn(
      'runtimeVersion',
      `runtime ${row.runtime} is taken to have bundled ${name} ${library.version} (${library.evidence}), so ${image.image} serves the model; if it was saved with another ${name} version, name a matching container with --image`,
    );
  }
  availabilityWarning(image, request.today, issues);
  checkModelFiles(image, request.originFiles, issues);
  return { imageUri: prebuiltImageUri(image.image, request.location), image, library };
}

function availabilityWarning(image: ImageRow, today: string, issues: IssueList): void {
  const { endOfPatch, endOfAvailability } = image;
  if (endOfAvailability !== null && endOfAvailability <= today) {
    const newest = newestAvailable(image.framework, image.accelerator, today);
    const alternative = newest
      ? `; ${newest.image} (${LIBRARY_NAMES[newest.framework]} ${newest.version}, available until ${newest.endOfAvailability}) is the newest: name it with --image if the model loads in it`
      : `; no ${LIBRARY_NAMES[image.framework]} container is still available: name one with --image`;
    issues.warn(
      'runtimeVersion',
      `the prebuilt container ${image.image} reached its end of availability on ${endOfAvailability} (${image.source}); it is sent unchanged and Vertex AI may refuse or stop serving it${alternative}`,
    );
  } else if (endOfPatch !== null && endOfPatch <= today) {
    issues.warn(
      'runtimeVersion',
      `the prebuilt container ${image.image} gets no patches since ${endOfPatch} and reaches its end of availability on ${endOfAvailability} (${image.source})`,
    );
  }
}

function checkModelFiles(image: ImageRow, originFiles: readonly string[] | undefined, issues: IssueList): void {
  if (!originFiles) return;
  const expected = MODEL_FILES[image.framework];
  if (expected.some((file) => originFiles.includes(file))) return;
  issues.refuse(
    'deploymentUri',
    `the ${image.image} container loads ${expected.join(' or ')} from the model directory, and the origin holds none of them (framework ${image.framework}: set --framework if that is not the model's)`,
  );
}
