// Cloud Storage's bucket naming rules, with the sentences gcloud quotes when one is broken: the
// --staging-bucket flag, the emulator's buckets.insert and its --buckets all check names with them.

const BUCKET_CHARS = 'Bucket names must contain only lowercase letters, numbers, dashes (-), underscores (_), and dots (.).';
const BUCKET_START_END = 'Bucket names must start and end with a number or letter.';
const BUCKET_LENGTH =
  'Bucket names must contain 3 to 63 characters. Names containing dots can contain up to 222 characters, but each dot-separated component can be no longer than 63 characters.';
const BUCKET_DOTTED_DECIMAL = 'Bucket names cannot be represented as an IP address in dotted-decimal notation (for example, 192.168.5.4).';

export function bucketNameProblem(name: string): string | undefined {
  const components = name.split('.');
  if (name.length < 3 || name.length > 222 || components.some((c) => c.length > 63)) return BUCKET_LENGTH;
  if (!/^[a-z0-9_.-]*$/.test(name)) return BUCKET_CHARS;
  if (!/^[a-z0-9]$/.test(name[0]) || !/^[a-z0-9]$/.test(name[name.length - 1])) return BUCKET_START_END;
  if (components.length === 4 && /^\d+$/.test(components.join(''))) return BUCKET_DOTTED_DECIMAL;
  return undefined;
}
