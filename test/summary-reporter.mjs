// `npm test`'s closing lines, after the dot reporter's progress and its failures in full: how many
// tests passed, failed and were skipped (with the reasons, e.g. gcloud not installed), and how long
// the run took.
export default async function* summary(source) {
  const started = Date.now();
  const counts = { passed: 0, failed: 0, skipped: 0 };
  const reasons = new Map();
  for await (const { type, data } of source) {
    if (type !== 'test:pass' && type !== 'test:fail') continue;
    // A skipped suite counts once, with its reason; other suites are reported through their tests.
    if (data.details?.type === 'suite' && data.skip === undefined) continue;
    if (data.skip !== undefined) {
      counts.skipped++;
      const reason = data.skip === true ? 'skipped' : String(data.skip);
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    } else if (type === 'test:pass') counts.passed++;
    else counts.failed++;
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  let text = `\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped in ${seconds} s\n`;
  for (const [reason, n] of reasons) text += `  skipped (${n}): ${reason}\n`;
  yield text;
}
