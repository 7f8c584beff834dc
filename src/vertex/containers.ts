// DATA: AI Platform runtime version × framework × CPU/GPU → Vertex AI prebuilt serving container,
// with each row's source and dates. prebuilt.ts holds the rules that read it (README: "Containers").
// Checked on 2026-12-06 with the project's search tool against stored copies of Google's pages.

export type Framework = 'TENSORFLOW' | 'SCIKIT_LEARN' | 'XGBOOST';

const PREBUILT_PAGE = 'https://cloud.google.com/vertex-ai/docs/predictions/pre-built-containers';
const RUNTIME_LIST = 'https://cloud.google.com/ai-platform/prediction/docs/runtime-version-list';
const TFX_RUNNER =
  'tfx google_cloud_ai_platform runner: "runtimeVersion should be same as <major>.<minor> of currently installed tensorflow version"';
// Shown to users in a warning: the version was recalled (../shared/VERTEX.md §3), not read from the list.
const FROM_MEMORY = `recalled, not read from Google's runtime version list, ${RUNTIME_LIST}`;

export interface BundledLibrary {
  /** major.minor of the library the runtime loaded models with: what the container must match. */
  version: string;
  /** Where the version comes from; `confirmed: false` makes the mapping warn, naming the version. */
  evidence: string;
  confirmed: boolean;
}

export interface RuntimeRow {
  runtime: string;
  libraries: Record<Framework, BundledLibrary>;
}

const tensorflow = (version: string): BundledLibrary => ({ version, evidence: TFX_RUNNER, confirmed: true });
const recalled = (version: string): BundledLibrary => ({ version, evidence: FROM_MEMORY, confirmed: false });

/**
 * What each AI Platform runtime version bundled. Runtimes before 1.15 have no row: Vertex AI has no
 * container for them (the oldest prebuilt TensorFlow image is 1.15).
 */
export const RUNTIMES: readonly RuntimeRow[] = [
  { runtime: '1.15', libraries: { TENSORFLOW: tensorflow('1.15'), SCIKIT_LEARN: recalled('0.20'), XGBOOST: recalled('0.90') } },
  {
    runtime: '2.1',
    libraries: {
      TENSORFLOW: tensorflow('2.1'),
      SCIKIT_LEARN: {
        version: '0.22',
        evidence:
          'AI Platform Training release notes, April 6, 2020: "Runtime version 2.1 now includes scikit-learn 0.22.1 instead of scikit-learn 0.22" (https://cloud.google.com/ai-platform/training/docs/release-notes)',
        confirmed: true,
      },
      XGBOOST: recalled('0.90'),
    },
  },
  { runtime: '2.2', libraries: { TENSORFLOW: tensorflow('2.2'), SCIKIT_LEARN: recalled('0.22'), XGBOOST: recalled('1.1') } },
  { runtime: '2.3', libraries: { TENSORFLOW: tensorflow('2.3'), SCIKIT_LEARN: recalled('0.23'), XGBOOST: recalled('1.2') } },
  { runtime: '2.4', libraries: { TENSORFLOW: tensorflow('2.4'), SCIKIT_LEARN: recalled('0.24'), XGBOOST: recalled('1.3') } },
  { runtime: '2.5', libraries: { TENSORFLOW: tensorflow('2.5'), SCIKIT_LEARN: recalled('0.24'), XGBOOST: recalled('1.4') } },
  { runtime: '2.6', libraries: { TENSORFLOW: tensorflow('2.6'), SCIKIT_LEARN: recalled('0.24'), XGBOOST: recalled('1.4') } },
  { runtime: '2.7', libraries: { TENSORFLOW: tensorflow('2.7'), SCIKIT_LEARN: recalled('1.0'), XGBOOST: recalled('1.5') } },
  { runtime: '2.8', libraries: { TENSORFLOW: tensorflow('2.8'), SCIKIT_LEARN: recalled('1.0'), XGBOOST: recalled('1.5') } },
  { runtime: '2.9', libraries: { TENSORFLOW: tensorflow('2.9'), SCIKIT_LEARN: recalled('1.0'), XGBOOST: recalled('1.5') } },
  { runtime: '2.10', libraries: { TENSORFLOW: tensorflow('2.10'), SCIKIT_LEARN: recalled('1.0'), XGBOOST: recalled('1.6') } },
  { runtime: '2.11', libraries: { TENSORFLOW: tensorflow('2.11'), SCIKIT_LEARN: recalled('1.0'), XGBOOST: recalled('1.6') } },
];

export type Accelerator = 'CPU' | 'GPU';

export interface ImageRow {
  framework: Framework;
  /** major.minor of the framework inside the image. */
  version: string;
  accelerator: Accelerator;
  /** The image's name in `{us|europe|asia}-docker.pkg.dev/vertex-ai/prediction/<image>:latest`. */
  image: string;
  /** ISO dates from the prebuilt-containers page; null where no stored copy showed the row's dates. */
  endOfPatch: string | null;
  endOfAvailability: string | null;
  source: string;
}

// Dates of TensorFlow 2.12-2.15 from the English copies of PREBUILT_PAGE (stored 2026: 2.14/2.15
// Jan 14, 2026 / Jan 14, 2027; 2.13 Nov 28, 2024 / Nov 28, 2025) and a zh-CN copy (2.12 Jun 30,
// 2024 / Jun 30, 2025; 2.9-2.11 Nov 15, 2023 / Nov 15, 2024). One zh-CN copy of the Agent Platform
// page gives 2.15's end of patch as Jul 14, 2026; the English date is kept. TensorFlow 1.15-2.8
// share 2.9-2.11's dates ("2.11 and older", ../shared/VERTEX.md §3). scikit-learn and XGBoost
// dates were not in any stored excerpt: null, and the mapping then says nothing about dates.
const OLD_TF = { endOfPatch: '2023-11-15', endOfAvailability: '2024-11-15', source: PREBUILT_PAGE } as const;
const tf = (version: string, dates: Pick<ImageRow, 'endOfPatch' | 'endOfAvailability' | 'source'> = OLD_TF): ImageRow[] => {
  const [major, minor] = version.split('.');
  const name = major === '1' ? 'tf' : 'tf2';
  return (['CPU', 'GPU'] as const).map((accelerator) => ({
    framework: 'TENSORFLOW',
    version,
    accelerator,
    image: `${name}-${accelerator.toLowerCase()}.${major}-${minor}`,
    ...dates,
  }));
};
const cpuOnly = (framework: Framework, prefix: string, version: string): ImageRow => ({
  framework,
  version,
  accelerator: 'CPU',
  image: `${prefix}-cpu.${version.replace('.', '-')}`,
  endOfPatch: null,
  endOfAvailability: null,
  source: `${PREBUILT_PAGE} (image names also in python-aiplatform google/cloud/aiplatform/constants/prediction.py)`,
});

export const IMAGES: readonly ImageRow[] = [
  ...['1.15', '2.1', '2.2', '2.3', '2.4', '2.5', '2.6', '2.7', '2.8', '2.9', '2.10', '2.11'].flatMap((v) => tf(v)),
  ...tf('2.12', { endOfPatch: '2024-06-30', endOfAvailability: '2025-06-30', source: PREBUILT_PAGE }),
  ...tf('2.13', { endOfPatch: '2024-11-28', endOfAvailability: '2025-11-28', source: PREBUILT_PAGE }),
  ...tf('2.14', { endOfPatch: '2026-01-14', endOfAvailability: '2027-01-14', source: PREBUILT_PAGE }),
  ...tf('2.15', { endOfPatch: '2026-01-14', endOfAvailability: '2027-01-14', source: PREBUILT_PAGE }),
  // scikit-learn and XGBoost images are CPU-only.
  ...['0.20', '0.22', '0.23', '0.24', '1.0'].map((v) => cpuOnly('SCIKIT_LEARN', 'sklearn', v)),
  ...['0.90', '1.1', '1.2', '1.3', '1.4', '1.5', '1.6'].map((v) => cpuOnly('XGBOOST', 'xgboost', v)),
];

/**
 * Each image is published in three multi-region repositories (PREBUILT_PAGE: "available in several
 * Artifact Registry repositories … You can use any of the URIs"); the SDK picks one by the region's
 * first word (us, europe, asia). The other regions' continents are our choice.
 */
export const REPOSITORIES: readonly { prefixes: readonly string[]; host: string }[] = [
  { prefixes: ['us', 'northamerica', 'southamerica'], host: 'us-docker.pkg.dev' },
  { prefixes: ['europe', 'me', 'africa'], host: 'europe-docker.pkg.dev' },
  { prefixes: ['asia', 'australia'], host: 'asia-docker.pkg.dev' },
];
export const DEFAULT_REPOSITORY = 'us-docker.pkg.dev';

/** What custom prediction routines need on Vertex AI, and how to move one there. */
export const CPR_MIGRATION_GUIDE = 'https://cloud.google.com/vertex-ai/docs/predictions/migrate-cpr';
