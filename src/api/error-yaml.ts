// Error details are appended to HTTP error messages as YAML (as gcloud prints them), e.g.
// `- '@type': type.googleapis.com/google.rpc.BadRequest`. A small emitter for that shape only.

function scalar(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value !== 'string') return String(value);
  if (value === '' || /^[@&*!|>'"%`#,\[\]{}?:-]|: | #|^\s|\s$|^(true|false|null|yes|no|on|off|~)$/i.test(value) || /^[-+]?[\d.]+$/.test(value)) {
    return `'${value.replace(/'/g, "''")}'`;
  }
  return value;
}

export function toYaml(value: unknown, indent = ''): string {
  if (Array.isArray(value)) {
    if (!value.length) return `${indent}[]\n`;
    return value
      .map((item) => {
        const inner = toYaml(item, `${indent}  `);
        return `${indent}- ${inner.slice(indent.length + 2)}`;
      })
      .join('');
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (!entries.length) return `${indent}{}\n`;
    return entries
      .map(([k, v]) => {
        if (v && typeof v === 'object' && (Array.isArray(v) ? v.length : Object.keys(v).length)) {
          return `${indent}${scalar(k)}:\n${toYaml(v, Array.isArray(v) ? indent : `${indent}  `)}`;
        }
        return `${indent}${scalar(k)}: ${v && typeof v === 'object' ? (Array.isArray(v) ? '[]' : '{}') : scalar(v)}\n`;
      })
      .join('');
  }
  return `${indent}${scalar(value)}\n`;
}
