import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { BackendCallError } from "../../errors/index.ts";
import { useFakeServerBackends } from "./fake-server-backends.test-support.ts";
import { createOpenAICompatibleBackend } from "./openai-compatible-backend.ts";
import { isRedirect, redirectTarget } from "./redirect-target.ts";

const { fakeServer, track } = useFakeServerBackends();

let redirecting: Server | undefined;

afterEach(async () => {
  const server = redirecting;
  redirecting = undefined;
  if (server === undefined) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** A server that answers every request with `status` and `location`, counting the requests it got. */
async function redirectingServer(status: number, location: string | undefined) {
  const requests: string[] = [];
  redirecting = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    request.resume();
    response.writeHead(status, location === undefined ? {} : { location });
    response.end("moved");
  });
  const server = redirecting;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, requests };
}

const question = {
  prompt: { kind: "chat" as const, messages: [{ role: "user" as const, content: "2+2=?" }] },
};

describe("redirects to the OpenAI-compatible backend", () => {
  it("are refused, not followed: one request, no retry, the status and the Location's origin named", async () => {
    const target = await fakeServer();
    for (const status of [301, 302, 303, 307, 308]) {
      // Credentials, a path and a key in the query: none of them may reach the message.
      const location = target.url.replace("http://", "http://user:secret@").concat("/chat?key=sk-CANARY");
      const source = await redirectingServer(status, location);
      const backend = track(
        createOpenAICompatibleBackend({
          baseUrl: source.url,
          model: "redirect",
          capabilities: { n: true },
          retryDelayMilliseconds: 1,
        }),
      );
      const error = await backend.generate(question).catch((thrown: unknown) => thrown);
      expect(BackendCallError.isInstance(error)).toBe(true);
      const failure = error as BackendCallError;
      expect(failure.status).toBe(status);
      expect(failure.isRetryable).toBe(false);
      const origin = new URL(target.url).origin;
      expect(failure.message).toBe(
        `POST ${source.url}/chat/completions answered with a redirect (status ${status}) to ${origin}, which is not followed: set the base URL to the server that answers`,
      );
      expect(failure.message).not.toMatch(/secret|CANARY|user/);
      expect(source.requests).toEqual(["POST /v1/chat/completions"]);
      await new Promise<void>((resolve) => redirecting!.close(() => resolve()));
      redirecting = undefined;
    }
    // Nothing reached the server the redirects pointed at.
    expect(target.requests).toHaveLength(0);
  });

  it("says so when the redirect has no Location, or one that cannot be read", async () => {
    const base = "http://127.0.0.1:1/v1/chat/completions";
    const answer = (location?: string) =>
      new Response(null, { status: 307, headers: location === undefined ? {} : { location } });
    expect(redirectTarget(answer(), base)).toBe("without a Location");
    expect(redirectTarget(answer("http://[::1"), base)).toBe("to an unreadable Location");
    // A relative Location stays on the same origin.
    expect(redirectTarget(answer("/elsewhere"), base)).toBe("to http://127.0.0.1:1");
    expect(isRedirect(answer())).toBe(true);
    expect(isRedirect(new Response("{}", { status: 200 }))).toBe(false);
    expect(isRedirect(new Response("{}", { status: 404 }))).toBe(false);
  });
});
