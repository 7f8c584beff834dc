// The Version resource as one zod schema, with the service's documented cross-field rules
// (REST reference of projects.models.versions and gcloud's help). The CLI checks the merged
// request with it before anything is uploaded; the emulator enforces the same rules server-side.
// Conservative by design: only what the documents clearly forbid is refused.
import * as z from 'zod/mini';
import { isValidLabelKey, isValidLabelValue, mlNameProblem } from '../domain';
import { schemaProblems, type FieldProblem } from '../schema/problems';

const str = z.string();
const int = z.int();

/** A message whose fields are all optional and which has no other fields (REST lists every field). */
const message = <Shape extends z.core.$ZodLooseShape>(shape: Shape) => z.partial(z.strictObject(shape));

const integratedGradients = message({ numIntegralSteps: int, blurBaselineConfig: z.unknown(), smoothGradConfig: z.unknown() });

// REST: the JSON representation of Version (and of each nested object) lists every field; nothing else is one.
/** The Version's fields and their types (unknown fields refused), before any rule across them. */
const versionFields = message({
  name: str,
  description: str,
  isDefault: z.boolean(),
  deploymentUri: str,
  createTime: str,
  lastUseTime: str,
  runtimeVersion: str,
  machineType: str,
  state: str,
  errorMessage: str,
  packageUris: z.array(str),
  labels: z.record(str, z.nullable(str)),
  etag: str,
  framework: str,
  pythonVersion: str,
  serviceAccount: str,
  predictionClass: str,
  imageUri: str,
  lastMigrationModelId: str,
  lastMigrationTime: str,
  modelClass: str,
  acceleratorConfig: message({ count: z.union([str, int]), type: str }),
  requestLoggingConfig: message({ samplingPercentage: z.number(), bigqueryTableName: str }),
  explanationConfig: message({
    integratedGradientsAttribution: integratedGradients,
    xraiAttribution: integratedGradients,
    sampledShapleyAttribution: message({ numPaths: int }),
    ablationAttribution: z.unknown(),
    saabasAttribution: z.unknown(),
    treeShapAttribution: z.unknown(),
  }),
  autoScaling: message({ minNodes: int, maxNodes: int, metrics: z.array(message({ name: str, target: int })) }),
  manualScaling: message({ nodes: int }),
  container: message({
    image: str,
    command: z.array(str),
    args: z.array(str),
    env: z.array(message({ name: str, value: str })),
    ports: z.array(message({ containerPort: int })),
  }),
  routes: message({ predict: str, health: str }),
});

// The rules across fields that gcloud-aip checks before sending. Its check is long because it lists
// them one after another, each with the sentence it comes from.
export const versionSchema = versionFields.check(
  z.superRefine((v, ctx) => {
    const problem = (field: string, message: string) => ctx.addIssue({ code: 'custom', path: [field], message });
    const runtime = dotted(v.runtimeVersion);
    const isN1 = v.machineType?.startsWith('n1-') ?? false;
    const machine = v.machineType ?? 'mls1-c1-m2 (the default)';

    // REST Version: "Union field scaling … scaling can be only one of the following: autoScaling, manualScaling".
    if (v.manualScaling && v.autoScaling) {
      ctx.addIssue({
        code: 'custom',
        path: ['autoScaling'],
        message: 'only one of manualScaling or autoScaling may be set (manualScaling is set too)',
      });
    }
    // REST Version.pythonVersion: "Python '3.7' is available when runtimeVersion is set to '1.15' or later.
    // Python '3.5' is available when runtimeVersion is set to a version from '1.4' to '1.14'. Python '2.7'
    // is available when runtimeVersion is set to '1.15' or earlier."
    if (runtime && v.pythonVersion) {
      const rule = Object.hasOwn(PYTHON_RUNTIMES, v.pythonVersion) ? PYTHON_RUNTIMES[v.pythonVersion] : undefined;
      if (rule && !rule.ok(runtime))
        problem('pythonVersion', `Python ${v.pythonVersion} needs runtimeVersion ${rule.text} (runtimeVersion is ${v.runtimeVersion})`);
    }
    const before14 = runtime !== undefined && compare(runtime, [1, 4]) < 0;
    // REST Version.framework: "If you choose SCIKIT_LEARN or XGBOOST, you must also set the runtime version
    // of the model to 1.4 or greater."
    if ((v.framework === 'SCIKIT_LEARN' || v.framework === 'XGBOOST') && before14) {
      problem('framework', `${v.framework} needs runtimeVersion 1.4 or later (runtimeVersion is ${v.runtimeVersion})`);
    }
    // REST Version.framework: "If you specify a Compute Engine (N1) machine type in the machineType field,
    // you must specify TENSORFLOW for the framework."
    if (isN1 && v.framework && v.framework !== 'TENSORFLOW') {
      problem(
        'framework',
        `a Compute Engine (N1) machineType (${v.machineType}) requires framework TENSORFLOW (framework is ${v.framework})`,
      );
    }
    // REST Version.acceleratorConfig: "Only specify this field if you have specified a Compute Engine (N1)
    // machine type in the machineType field." Version.machineType: "If this field is not specified, it
    // defaults to mls1-c1-m2."
    if (v.acceleratorConfig && !isN1) {
      problem('acceleratorConfig', `only allowed with a Compute Engine (N1) machineType; machineType is ${machine}`);
    }
    // REST Version.autoScaling: "Note that you cannot use AutoScaling if your version uses GPUs. Instead,
    // you must use specify manualScaling."
    if (v.acceleratorConfig && v.autoScaling) {
      problem('autoScaling', 'cannot be used with GPUs (acceleratorConfig is set); use manualScaling');
    }
    // REST AutoScaling.minNodes: "minNodes must be at least 1 for use with a Compute Engine machine type."
    if (isN1 && typeof v.autoScaling?.minNodes === 'number' && v.autoScaling.minNodes < 1) {
      problem('autoScaling', `minNodes must be at least 1 with a Compute Engine (N1) machineType (minNodes is ${v.autoScaling.minNodes})`);
    }
    // REST Version.predictionClass: "If you specify this field, you must set runtimeVersion to 1.4 or greater
    // and you must set machineType to a legacy (MLS1) machine type." Version.framework: "Do not specify a
    // framework if you're deploying a custom prediction routine."
    if (v.predictionClass !== undefined) {
      if (v.machineType && !v.machineType.startsWith('mls1-')) {
        problem('predictionClass', `requires a legacy (MLS1) machineType (machineType is ${v.machineType})`);
      }
      if (before14) problem('predictionClass', `requires runtimeVersion 1.4 or later (runtimeVersion is ${v.runtimeVersion})`);
      if (v.framework)
        problem('framework', `must not be set for a custom prediction routine (predictionClass is set; framework is ${v.framework})`);
    }
    // REST Version.packageUris: "If you specify this field, you must also set runtimeVersion to 1.4 or greater."
    if (v.packageUris && before14) problem('packageUris', `requires runtimeVersion 1.4 or later (runtimeVersion is ${v.runtimeVersion})`);
    // gcloud --labels help: "Keys must start with a lowercase character and contain only hyphens (-),
    // underscores (_), lowercase characters, and numbers. Values must contain only hyphens (-),
    // underscores (_), lowercase characters, and numbers." — applied to labels from --config as well.
    for (const [key, value] of Object.entries(v.labels ?? {})) {
      if (!isValidLabelKey(key)) {
        problem(
          'labels',
          `invalid key '${key}': keys start with a lowercase letter and hold only lowercase letters, digits, hyphens and underscores, at most 63 characters`,
        );
      }
      if (value !== null && !isValidLabelValue(value)) {
        problem(
          'labels',
          `invalid value '${value}' for key '${key}': only lowercase letters, digits, hyphens and underscores, at most 63 characters`,
        );
      }
    }
    // REST ExplanationConfig: "Union field attribution_method … can be only one of the following".
    const attributions = Object.keys(v.explanationConfig ?? {});
    if (attributions.length > 1) problem('explanationConfig', `only one attribution method may be set (found ${attributions.join(', ')})`);
  }),
);

type Version = z.infer<typeof versionFields>;

/** The version's name, its runtime and its Python: each a word from a documented list or grammar. */
function nameAndVersionProblems(v: Version): FieldProblem[] {
  const problems: FieldProblem[] = [];
  // managing-models-jobs: "May only contain letters, numbers, and underscores … Must start with a
  // letter. Must be no more than 128 characters long." (src/domain/names.ts)
  const nameProblem = v.name === undefined ? undefined : mlNameProblem(v.name);
  if (nameProblem) problems.push({ field: 'name', message: nameProblem });
  // versioning: "The runtime version uses the following format: major_version.minor_version"; the
  // runtime version list names the versions that exist (KNOWN_RUNTIME_VERSIONS).
  if (v.runtimeVersion !== undefined) {
    if (!/^\d+\.\d+$/.test(v.runtimeVersion)) {
      problems.push({
        field: 'runtimeVersion',
        message: `'${v.runtimeVersion}' is not a runtime version: the format is major_version.minor_version, e.g. 2.11`,
      });
    } else if (!KNOWN_RUNTIME_VERSIONS.includes(v.runtimeVersion)) {
      problems.push({
        field: 'runtimeVersion',
        message: `'${v.runtimeVersion}' is not in the runtime version list (${RUNTIME_VERSIONS_TEXT}; ${RUNTIME_VERSION_LIST})`,
      });
    }
  }
  // REST Version.pythonVersion: "The following Python versions are available: Python '3.7' …
  // Python '3.5' … Python '2.7'"; gcloud --python-version: "Choices are 3.7, 3.5, and 2.7."
  if (v.pythonVersion !== undefined && !Object.hasOwn(PYTHON_RUNTIMES, v.pythonVersion)) {
    problems.push({
      field: 'pythonVersion',
      message: `'${v.pythonVersion}' is not an available Python version (${Object.keys(PYTHON_RUNTIMES).join(', ')})`,
    });
  }
  return problems;
}

/** Fields a custom container forbids (REST Version.container and the custom-container guide). */
const NOT_WITH_A_CONTAINER = ['runtimeVersion', 'framework', 'pythonVersion', 'predictionClass', 'packageUris'] as const;

function containerProblems(v: Version): FieldProblem[] {
  const problems: FieldProblem[] = [];
  // REST Version.routes: "If you specify this field, then you must also specify the container field."
  if (v.routes !== undefined && v.container === undefined)
    problems.push({ field: 'routes', message: 'requires a custom container (container is not set)' });
  if (v.container === undefined) return problems;
  // REST Version.container: "If you specify this field, then you must not specify runtimeVersion,
  // packageUris, framework, pythonVersion, or predictionClass." (use-custom-container: "You must not
  // specify these fields.")
  for (const field of NOT_WITH_A_CONTAINER) {
    if (v[field] !== undefined) problems.push({ field, message: 'must not be set with a custom container (container is set)' });
  }
  return problems;
}

/**
 * The rules that depend on the endpoint the request is sent to: `global` (ml.googleapis.com) or a
 * region's (REGION-ml.googleapis.com).
 */
export function endpointProblems(body: Record<string, unknown>, region: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const regional = region !== 'global';
  const machineType = typeof body.machineType === 'string' ? body.machineType : undefined;
  const container = body.container as { image?: unknown } | undefined;
  if (container !== undefined && typeof container === 'object' && container !== null) {
    // REST Version.container: "If you specify this field, then machineType is required."
    // use-custom-container: "To use a custom container, you must use a regional endpoint and a Compute
    // Engine (N1) machine type for your model version." (An AI Platform serving rule: on Vertex AI the
    // mapping chooses the machine, so it is checked with the ml endpoint's rules.)
    if (!machineType?.startsWith('n1-')) {
      problems.push({
        field: 'machineType',
        message: `a custom container needs a Compute Engine (N1) machineType, e.g. n1-standard-2 (machineType is ${machineType ?? 'unset'})`,
      });
    }
    // use-custom-container: "To use a custom container, you must use a regional endpoint".
    if (!regional) {
      problems.push({
        field: 'container',
        message:
          "a custom container needs a regional endpoint (REGION-ml.googleapis.com: gcloud's --region); this request is for the global endpoint",
      });
    } else if (typeof container.image === 'string' && !container.image.startsWith(`${region}-docker.pkg.dev/`)) {
      // REST ContainerSpec.image: "This URI must identify an image in Artifact Registry and begin
      // with the hostname {REGION}-docker.pkg.dev, where {REGION} is replaced by the region that
      // matches AI Platform Prediction regional endpoint that you are using."
      problems.push({
        field: 'container.image',
        message: `must be an Artifact Registry image of the endpoint's region, ${region}-docker.pkg.dev/… (image is ${container.image})`,
      });
    }
  }
  // regional-endpoints: "Regional endpoints only support Compute Engine (N1) machine types. You cannot
  // use legacy (MLS1) machine types on regional endpoints." … "To use a Compute Engine (N1) machine
  // type, you must use a regional endpoint."
  if (regional && machineType?.startsWith('mls1-')) {
    problems.push({
      field: 'machineType',
      message: `legacy (MLS1) machine types are not available on regional endpoints (region ${region})`,
    });
  }
  // Version.predictionClass: "you must set machineType to a legacy (MLS1) machine type", which a
  // regional endpoint does not have (its default is n1-standard-2).
  if (regional && body.predictionClass !== undefined && machineType === undefined) {
    problems.push({
      field: 'predictionClass',
      message: `requires a legacy (MLS1) machine type, which regional endpoints do not have (region ${region})`,
    });
  }
  if (!regional && machineType?.startsWith('n1-')) {
    problems.push({
      field: 'machineType',
      message: `a Compute Engine (N1) machine type needs a regional endpoint (REGION-ml.googleapis.com: gcloud's --region); this request is for the global endpoint`,
    });
  }
  return problems;
}

type Dotted = number[];

/**
 * Versions are compared numerically as major.minor (2.11 > 1.15; 1.15.1 counts as 1.15, which the
 * documents' "1.15 or earlier" includes), and only when they are plain dotted numbers.
 */
function dotted(value: string | undefined): Dotted | undefined {
  const trimmed = value?.trim();
  return trimmed !== undefined && /^\d+(\.\d+)*$/.test(trimmed) ? trimmed.split('.').slice(0, 2).map(Number) : undefined;
}

function compare(a: Dotted, b: Dotted): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

const PYTHON_RUNTIMES: Record<string, { ok: (r: Dotted) => boolean; text: string }> = {
  '3.7': { ok: (r) => compare(r, [1, 15]) >= 0, text: '1.15 or later' },
  '3.5': { ok: (r) => compare(r, [1, 4]) >= 0 && compare(r, [1, 14]) <= 0, text: 'from 1.4 to 1.14' },
  '2.7': { ok: (r) => compare(r, [1, 15]) <= 0, text: '1.15 or earlier' },
};

/**
 * The runtime version list (https://cloud.google.com/ai-platform/prediction/docs/runtime-version-list):
 * 1.0 to 1.15 and 2.1 to 2.11. Recalled, not read: no stored copy of the page was found (the
 * project's search tool, 2026-12-06); generous on purpose (every minor version in those ranges).
 */
const RUNTIME_VERSION_LIST = 'https://cloud.google.com/ai-platform/prediction/docs/runtime-version-list';
const KNOWN_RUNTIME_VERSIONS: readonly string[] = [
  ...Array.from({ length: 16 }, (_, minor) => `1.${minor}`),
  ...Array.from({ length: 11 }, (_, minor) => `2.${minor + 1}`),
];
const RUNTIME_VERSIONS_TEXT = '1.0 to 1.15, 2.1 to 2.11';

/** REST, Version.deploymentUri: "The total number of model files can't exceed 1000." */
export const MAX_MODEL_FILES = 1000;

/** Machine types the documentation lists; others get a warning, not a refusal. */
export const KNOWN_MACHINE_TYPES = [
  'mls1-c1-m2',
  'mls1-c4-m2',
  'n1-standard-2',
  'n1-standard-4',
  'n1-standard-8',
  'n1-standard-16',
  'n1-standard-32',
  'n1-highmem-2',
  'n1-highmem-4',
  'n1-highmem-8',
  'n1-highmem-16',
  'n1-highmem-32',
  'n1-highcpu-2',
  'n1-highcpu-4',
  'n1-highcpu-8',
  'n1-highcpu-16',
  'n1-highcpu-32',
];

/**
 * Every problem with a Version body that gcloud-aip refuses before anything is uploaded (the CLI
 * and the emulator alike), at once; field paths in the API's camelCase.
 */
export function versionProblems(body: unknown): FieldProblem[] {
  return schemaProblems(versionSchema, body, {
    whole: '',
    wrongType: (expected) => `expected ${expected}`,
    unknownField: (knownHere) => `unknown field of Version (known fields here: ${knownHere.join(', ')})`,
  });
}

/**
 * What the service refuses beyond versionProblems(): the documented name, runtime, Python and
 * custom-container rules, and with `region` those of the endpoint (`global` or a region's) the request is sent to.
 * gcloud sends such a request and the service answers 400, and gcloud-aip sends what gcloud sends
 * (the recorded gcloud cases include these requests), so the emulator checks these (a deploy
 * against it fails where one against the service would), and the CLI only with GCLOUD_AIP_STRICT.
 * Empty for a body whose fields are not the Version's.
 */
export function serviceProblems(body: unknown, region?: string): FieldProblem[] {
  const parsed = versionFields.safeParse(body);
  if (!parsed.success) return [];
  const own = [...nameAndVersionProblems(parsed.data), ...containerProblems(parsed.data)];
  return region === undefined ? own : [...own, ...endpointProblems(parsed.data, region)];
}
