// Builds the Version request body from the --config file and the flags, with gcloud's override
// rules: a flag replaces the file's field; --labels replaces the file's labels; any autoscaling
// flag replaces the whole autoScaling; --image replaces the file's container (routes only when a
// route flag is given). Each field remembers where its value came from, for error messages.
import { UserError } from '../errors';
import type { ConfigFile } from '../config-file/read';
import { ACCELERATOR_TYPES, FRAMEWORKS, METRIC_NAMES, sortedLabels } from '../domain';

export interface VersionFlags {
  description?: string;
  runtimeVersion?: string;
  labels?: Map<string, unknown>;
  machineType?: string;
  framework?: string;
  pythonVersion?: string;
  accelerator?: Map<string, unknown>;
  minNodes?: number;
  maxNodes?: number;
  metricTargets?: Map<string, unknown>;
  serviceAccount?: string;
  predictionClass?: string;
  packageUris?: string[];
  explanationMethod?: string;
  numIntegralSteps?: number;
  numPaths?: number;
  image?: string;
  command?: string[];
  args?: string[];
  envVars?: Map<string, unknown>;
  ports?: number[];
  predictRoute?: string;
  healthRoute?: string;
}

export interface BuiltVersion {
  body: Record<string, unknown>;
  /** field → where its value came from: `--flag` or `file:line`. */
  sources: Record<string, string>;
  /** Files under a local --origin, once listed: the model the deploymentUri will hold. */
  localFileCount?: number;
}

export interface BuildOptions {
  name: string;
  deploymentUri?: string;
  config?: ConfigFile;
  flags: VersionFlags;
  /** beta/alpha have the container flags (and allow container/routes in --config). */
  containers: boolean;
}

/** gcloud checks --accelerator when the command runs (exit 1), not while parsing. */
export function acceleratorConfig(accelerator: Map<string, unknown>): { count: string; type: string } {
  const type = accelerator.get('type') as string | undefined;
  if (!type || !ACCELERATOR_TYPES.includes(type)) {
    throw new UserError(
      `The type of the accelerator can only be one of the following: ${ACCELERATOR_TYPES.map((c) => `'${c}'`).join(', ')}.\n`,
    );
  }
  const count = (accelerator.get('count') as number | undefined) ?? 1;
  if (count <= 0) throw new UserError('The count of the accelerator must be greater than 0.\n');
  // AcceleratorConfig.count is an int64: JSON carries it as a string.
  return { count: String(count), type: type.toUpperCase().replace(/-/g, '_') };
}

function explanationConfig(flags: VersionFlags): Record<string, unknown> | undefined {
  const steps = flags.numIntegralSteps ?? 50;
  switch (flags.explanationMethod) {
    case 'integrated-gradients':
      return { integratedGradientsAttribution: { numIntegralSteps: steps } };
    case 'sampled-shapley':
      return { sampledShapleyAttribution: { numPaths: flags.numPaths ?? 50 } };
    case 'xrai':
      return { xraiAttribution: { numIntegralSteps: steps } };
    default:
      return undefined;
  }
}

function containerSpec(flags: VersionFlags): Record<string, unknown> | undefined {
  const given: [string, unknown][] = [
    ['args', flags.args?.length ? flags.args : undefined],
    ['command', flags.command?.length ? flags.command : undefined],
    ['env_vars', flags.envVars?.size ? flags.envVars : undefined],
    ['health_route', flags.healthRoute || undefined],
    ['image', flags.image || undefined],
    ['ports', flags.ports?.length ? flags.ports : undefined],
    ['predict_route', flags.predictRoute || undefined],
  ];
  if (!given.some(([, v]) => v !== undefined)) return undefined;
  if (!flags.image) {
    // gcloud crashes here (ValueError); we say the same thing as a normal error.
    const named = given
      .filter(([, v]) => v !== undefined)
      .map(([k]) => `--${k}`)
      .join(', ');
    throw new UserError(
      `--image was not provided, but other container related flags were specified. Please specify --image or remove the following flags: ${named}`,
    );
  }
  const container: Record<string, unknown> = { image: flags.image };
  if (flags.command?.length) container.command = flags.command;
  if (flags.args?.length) container.args = flags.args;
  if (flags.envVars?.size) container.env = [...flags.envVars].map(([name, value]) => ({ name, value }));
  if (flags.ports?.length) container.ports = flags.ports.map((containerPort) => ({ containerPort }));
  return container;
}

function autoScaling(flags: VersionFlags): Record<string, unknown> | undefined {
  const metrics = flags.metricTargets?.size ? flags.metricTargets : undefined;
  if (!flags.minNodes && !flags.maxNodes && !metrics) return undefined;
  const scaling: Record<string, unknown> = {};
  if (flags.minNodes) scaling.minNodes = flags.minNodes;
  if (flags.maxNodes) scaling.maxNodes = flags.maxNodes;
  if (metrics) {
    // CPU first, then GPU, whatever order they were given in.
    scaling.metrics = Object.keys(METRIC_NAMES)
      .filter((key) => metrics.has(key))
      .map((key) => ({ name: METRIC_NAMES[key], target: metrics.get(key) }));
  }
  return scaling;
}

/** A null field of a nested message is simply unset, as gcloud's message encoding drops it (map values stay). */
function withoutNullFields(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNullFields);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNullFields(v)]),
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function buildVersion({ name, deploymentUri, config, flags, containers }: BuildOptions): BuiltVersion {
  const body: Record<string, unknown> = {};
  const sources: Record<string, string> = {};
  if (config) {
    for (const [field, value] of Object.entries(config.version)) {
      if (value === null || value === undefined) continue;
      body[field] = field !== 'labels' ? withoutNullFields(value) : isPlainObject(value) ? sortedLabels(Object.entries(value)) : value;
      sources[field] = config.lines[field] ? `${config.path}:${config.lines[field]}` : config.path;
    }
  }
  const set = (field: string, value: unknown, source: string) => {
    if (value === undefined) return;
    body[field] = value;
    sources[field] = source;
  };

  if (containers) {
    const container = containerSpec(flags);
    set('container', container, '--image');
    if (container && (flags.predictRoute || flags.healthRoute)) {
      const routes: Record<string, string> = {};
      if (flags.predictRoute) routes.predict = flags.predictRoute;
      if (flags.healthRoute) routes.health = flags.healthRoute;
      set('routes', routes, flags.predictRoute ? '--predict-route' : '--health-route');
    }
  }
  set('autoScaling', autoScaling(flags), flags.minNodes ? '--min-nodes' : flags.maxNodes ? '--max-nodes' : '--metric-targets');

  set('name', name, 'VERSION');
  set('deploymentUri', deploymentUri, '--origin');
  set('runtimeVersion', flags.runtimeVersion, '--runtime-version');
  set('labels', flags.labels ? sortedLabels(flags.labels) : undefined, '--labels');
  set('machineType', flags.machineType, '--machine-type');
  set('description', flags.description, '--description');
  set('framework', flags.framework ? FRAMEWORKS[flags.framework] : undefined, '--framework');
  set('pythonVersion', flags.pythonVersion, '--python-version');
  set('predictionClass', flags.predictionClass, '--prediction-class');
  set('packageUris', flags.packageUris, '--package-uris');
  set('acceleratorConfig', flags.accelerator ? acceleratorConfig(flags.accelerator) : undefined, '--accelerator');
  set('serviceAccount', flags.serviceAccount, '--service-account');
  set('explanationConfig', explanationConfig(flags), '--explanation-method');
  return { body, sources };
}
