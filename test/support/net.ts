// An HTTP client for in-process tests: default network settings, a silent output, and a clock whose
// waits pass at once (recorded), so retries cost no time.
import { Output } from '../../src/ui/output';
import { HttpClient, type Clock } from '../../src/net';
import type { HttpClientOptions } from '../../src/net/client';
import { DEFAULT_TIMEOUT_MS, type NetSettings } from '../../src/net/settings';

export function silentOutput(verbosity = 'warning'): { output: Output; text: () => string } {
  let text = '';
  const write = (s: string) => {
    text += s;
    return true;
  };
  const stream = { write } as unknown as NodeJS.WritableStream;
  return {
    output: new Output({ stdout: stream, stderr: stream, userOutputEnabled: true, verbosity, interactive: false }),
    text: () => text,
  };
}

/** Waits are recorded, not waited; `now` advances by them. */
export function fakeClock(random = 0.5): Clock & { sleeps: number[] } {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    random: () => random,
    sleep: async (ms, signal) => {
      signal?.throwIfAborted();
      sleeps.push(ms);
      now += ms;
    },
  };
}

export function testHttp(
  extra: Partial<Omit<HttpClientOptions, 'settings' | 'headers'>> & {
    settings?: Partial<NetSettings>;
    quotaProject?: string;
    output?: Output;
  } = {},
): HttpClient {
  const { settings, quotaProject, output, ...options } = extra;
  return new HttpClient(output ?? silentOutput().output, {
    settings: { insecure: false, timeoutMs: DEFAULT_TIMEOUT_MS, ...settings },
    headers: { userAgent: 'gcloud-aip-test', quotaProject },
    clock: fakeClock(),
    ...options,
  });
}
