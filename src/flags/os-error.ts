// How Python prints an OSError from opening a file, which gcloud quotes in its "Unable to read file"
// messages: `[Errno 2] No such file or directory: '<path>'`.

// Linux errno numbers and strerror() texts of the errors opening a file can plausibly hit.
const OS_ERRORS: Record<string, [number, string]> = {
  EPERM: [1, 'Operation not permitted'],
  ENOENT: [2, 'No such file or directory'],
  EIO: [5, 'Input/output error'],
  EACCES: [13, 'Permission denied'],
  ENOTDIR: [20, 'Not a directory'],
  EISDIR: [21, 'Is a directory'],
  ENAMETOOLONG: [36, 'File name too long'],
  ELOOP: [40, 'Too many levels of symbolic links'],
};

/** Python's str(OSError) for `open(path)`; other failures keep their own message. */
export function pythonOsError(err: unknown, path: string): string {
  const known = OS_ERRORS[(err as NodeJS.ErrnoException | undefined)?.code ?? ''];
  if (!known) return err instanceof Error ? err.message : String(err);
  return `[Errno ${known[0]}] ${known[1]}: '${path.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
