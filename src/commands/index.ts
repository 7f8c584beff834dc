// Every command gcloud-aip has, in one list: main.ts hands it to the router (cli/router.ts); --help and the fuzz grammar read it.
import type { CommandDefinition } from '../cli/command';
import { emulatorCommands } from './emulators';
import { mlflowCommands } from './mlflow';
import { modelsCommands } from './models';
import { operationsCommands } from './operations';
import { versionsCommands } from './versions';
import { versionsCreateCommand } from './versions-create';

export const COMMANDS: CommandDefinition[] = [
  versionsCreateCommand,
  ...versionsCommands,
  ...modelsCommands,
  ...operationsCommands,
  ...emulatorCommands,
  ...mlflowCommands,
];
