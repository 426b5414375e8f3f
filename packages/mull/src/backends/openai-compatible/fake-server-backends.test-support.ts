import { afterEach } from "vitest";
import { seededRng } from "../../runtime/index.ts";
import {
  type FakeOpenAIServer,
  type FakeOpenAIServerOptions,
  startFakeOpenAIServer,
} from "../../testing/fake-openai-server.ts";
import { createOpenAICompatibleBackend, type OpenAICompatibleBackend } from "./openai-compatible-backend.ts";
import type { OpenAICompatibleBackendOptions } from "./openai-compatible-backend-options.ts";

/** Starts fake servers and backends on them for one test file, all closed after each test. */
export interface FakeServerBackends {
  /** A fake OpenAI-compatible server on loopback. */
  fakeServer(options?: FakeOpenAIServerOptions): Promise<FakeOpenAIServer>;
  /** A backend on `server` (model `fake-model`, retries 20 ms apart, seeded rng), with `options` over that. */
  backendFor(
    server: FakeOpenAIServer,
    options?: Partial<OpenAICompatibleBackendOptions>,
  ): OpenAICompatibleBackend;
  /** Disposes a backend made elsewhere (on a scripted `fetch`) after the test, as the others are. */
  track(backend: OpenAICompatibleBackend): OpenAICompatibleBackend;
}

/**
 * Registers, in the calling test file, the cleanup of every fake server and backend it starts (after each
 * test), and returns the functions that start them.
 *
 * @example
 * const { fakeServer, backendFor } = useFakeServerBackends();
 * const backend = backendFor(await fakeServer({ handler }), { capabilities: { n: true } });
 */
export function useFakeServerBackends(): FakeServerBackends {
  const servers: FakeOpenAIServer[] = [];
  const backends: OpenAICompatibleBackend[] = [];
  afterEach(async () => {
    await Promise.all(backends.splice(0).map((backend) => backend.dispose()));
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  return {
    async fakeServer(options = {}) {
      const server = await startFakeOpenAIServer(options);
      servers.push(server);
      return server;
    },
    backendFor(server, options = {}) {
      const backend = createOpenAICompatibleBackend({
        baseUrl: server.url,
        model: "fake-model",
        retryDelayMilliseconds: 20,
        rng: seededRng(1),
        ...options,
      });
      backends.push(backend);
      return backend;
    },
    track(backend) {
      backends.push(backend);
      return backend;
    },
  };
}
