// What the service itself sets on a Version (REST: output-only fields): a client never decides
// them, the emulator overwrites them, and a found version is compared with a sent one without them.
export const VERSION_OUTPUT_ONLY_FIELDS: readonly string[] = [
  'name',
  'state',
  'createTime',
  'etag',
  'isDefault',
  'errorMessage',
  'lastUseTime',
  'lastMigrationTime',
  'lastMigrationModelId',
];
