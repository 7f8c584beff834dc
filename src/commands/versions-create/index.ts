import { defineCommand } from '../../cli/command';
import { VERSION_POSITIONAL } from '../flags';
import { VERSIONS_CREATE_FLAGS } from './flags';
import { versionsCreate } from './run';

export const versionsCreateCommand = defineCommand({
  path: ['ai-platform', 'versions', 'create'],
  tracks: ['GA', 'BETA', 'ALPHA'],
  positionals: [VERSION_POSITIONAL],
  flags: VERSIONS_CREATE_FLAGS,
  defaultFormat: 'none',
  help: {
    brief: 'create a new AI Platform version',
    description:
      'Creates a new version of an AI Platform model.\n\nFor more details on managing AI Platform models and versions see https://cloud.google.com/ai-platform/prediction/docs/managing-models-jobs',
    examples:
      "To create an AI Platform version model with the version ID 'versionId' and with the name 'model-name', run:\n\n    $ {command} versionId --model=model-name",
    flagGroups: {
      container: 'Configure the container to be deployed.',
      routes: 'Flags to control the paths that requests and health checks are sent to.',
      autoscaling: 'Configure the autoscaling settings to be deployed.',
      'user-code':
        'Configure user code in prediction.\n\nAI Platform allows a model to have user-provided prediction code; these options configure that code.',
    },
  },
  run: versionsCreate,
});
