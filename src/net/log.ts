// --log-http: one block per request and per response, as gcloud prints them (headers sorted,
// credentials redacted). Upload bodies are summarised, never dumped.

/** Credentials never reach the screen, whatever the logging level. */
export function redactHeader(name: string, value: string): string {
  return /^(authorization|proxy-authorization|x-goog-iam-authorization-token|cookie|set-cookie)$/i.test(name)
    ? '--- Token Redacted ---'
    : value;
}

function headerLines(headers: Record<string, string>): string[] {
  return Object.keys(headers)
    .sort()
    .map((name) => `${name}: ${redactHeader(name, headers[name])}`);
}

/** `body`: the text to show, or a summary such as `Body redacted: …`. */
export function requestBlock(method: string, url: string, headers: Record<string, string>, body: string): string {
  return (
    [
      '=======================',
      '==== request start ====',
      `uri: ${url}`,
      `method: ${method}`,
      '== headers start ==',
      ...headerLines(headers),
      '== headers end ==',
      '== body start ==',
      body,
      '== body end ==',
      '==== request end ====',
    ].join('\n') + '\n'
  );
}

export function responseBlock(status: number, headers: Record<string, string>, body: string, seconds: number): string {
  return (
    [
      '---- response start ----',
      `status: ${status}`,
      '-- headers start --',
      ...headerLines(headers),
      '-- headers end --',
      '-- body start --',
      body,
      '-- body end --',
      `total round trip time (request+response): ${seconds.toFixed(3)} secs`,
      '---- response end ----',
      '----------------------',
    ].join('\n') + '\n'
  );
}

/** What --log-http shows of an upload body. */
export function uploadSummary(bytes: number): string {
  return `Body redacted: upload of ${bytes} bytes (file contents are not logged).`;
}
