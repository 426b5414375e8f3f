import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach } from "vitest";

/** One request the fake tokenizer server received. */
export interface TokenizerRequest {
  readonly method: string;
  /** Path without the query, e.g. `/tokenize`. */
  readonly path: string;
  readonly body: Readonly<Record<string, unknown>> | undefined;
}

/** How the fake answers its tokenizer routes. */
export type TokenizerReply =
  | "count"
  | "hang"
  | { readonly status: number; readonly message?: string | undefined }
  | { readonly json: unknown };

/** Settings of a fake tokenizer server. */
export interface TokenizerServerOptions {
  /** Whose routes it has: llama.cpp's server's (`/props`, `/apply-template`, `/tokenize`) or vLLM's. */
  readonly dialect: "llama.cpp" | "vllm";
  /**
   * How `POST /tokenize` and `POST /apply-template` are answered, in order, then `count` (the real
   * answer); `hang` never answers.
   */
  readonly replies?: readonly TokenizerReply[] | undefined;
  /** The loopback port to listen on; default a free one. */
  readonly port?: number | undefined;
  /**
   * A status to answer the discovery routes (`GET /props`, `GET /version`) with instead, asked at each
   * request (as llama.cpp's server answers 503 while it loads its model); `undefined` answers them.
   */
  readonly discoveryStatus?: (() => number | undefined) | undefined;
}

/** A running fake tokenizer server. */
export interface TokenizerServer {
  /** Base URL including `/v1`. */
  readonly url: string;
  /** The POST requests received (the discovery's GETs are left out), in arrival order. */
  readonly requests: readonly TokenizerRequest[];
  /** The paths of the GET requests received (the discovery's), in arrival order. */
  readonly discoveries: readonly string[];
  close(): Promise<void>;
}

/**
 * The fake's chat template, a ChatML like the lab models': each message as
 * `<|im_start|>role\ncontent<|im_end|>\n`, then `<|im_start|>assistant\n` for the generation prompt; a
 * continued final message is left open.
 */
export function renderChat(
  messages: readonly { readonly role: string; readonly content: string }[],
  continueFinal = false,
): string {
  const rendered = messages.map((message, index) =>
    continueFinal && index === messages.length - 1
      ? `<|im_start|>${message.role}\n${message.content}`
      : `<|im_start|>${message.role}\n${message.content}<|im_end|>\n`,
  );
  return rendered.join("") + (continueFinal ? "" : "<|im_start|>assistant\n");
}

/** The fake's tokenizer: a token a character (UTF-16 unit), behind a beginning-of-sequence token 1. */
function tokenize(text: string, addSpecial: boolean): number[] {
  return [...(addSpecial ? [1] : []), ...Array.from(text, (character) => character.charCodeAt(0))];
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  let text = "";
  for await (const chunk of request) text += String(chunk);
  return text === "" ? undefined : (JSON.parse(text) as Record<string, unknown>);
}

type Messages = readonly { readonly role: string; readonly content: string }[];

/** The real answer of a route, as llama.cpp's server or vLLM gives it. */
function answer(dialect: TokenizerServerOptions["dialect"], path: string, body: Record<string, unknown>) {
  if (dialect === "llama.cpp") {
    if (path === "/apply-template") {
      return { prompt: renderChat(body.messages as Messages, body.continue_final_message === true) };
    }
    if (path === "/tokenize") return { tokens: tokenize(String(body.content), body.add_special === true) };
    return undefined;
  }
  if (path !== "/tokenize") return undefined;
  const tokens =
    body.messages === undefined
      ? tokenize(String(body.prompt), body.add_special_tokens !== false)
      : tokenize(
          renderChat(body.messages as Messages, body.continue_final_message === true),
          body.add_special_tokens === true,
        );
  return { count: tokens.length, max_model_len: 4096, tokens };
}

/**
 * Registers, in the calling test file, the closing of every fake tokenizer server it starts (after each
 * test), and returns the function that starts one: a loopback server with llama.cpp's or vLLM's discovery
 * and tokenizer routes (a token a character), and no generation routes.
 *
 * @example
 * const startTokenizerServer = useTokenizerServers();
 * const server = await startTokenizerServer({ dialect: "llama.cpp" });
 */
export function useTokenizerServers(): (options: TokenizerServerOptions) => Promise<TokenizerServer> {
  const servers: TokenizerServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  return async (options) => {
    const requests: TokenizerRequest[] = [];
    const discoveries: string[] = [];
    const replies = [...(options.replies ?? [])];
    const server = createServer((request, response) => {
      void (async () => {
        const path = new URL(request.url ?? "/", "http://localhost").pathname;
        const method = request.method ?? "GET";
        if (method === "GET") {
          discoveries.push(path);
          const status = options.discoveryStatus?.();
          if (status !== undefined) {
            send(response, status, { error: { message: "Loading model", code: status } });
          } else if (path === "/props" && options.dialect === "llama.cpp") {
            send(response, 200, { build_info: "b1-test", model_path: "/models/fake.gguf" });
          } else if (path === "/version" && options.dialect === "vllm") {
            send(response, 200, { version: "0.10.1" });
          } else send(response, 404, { error: { message: "File Not Found", code: 404 } });
          return;
        }
        const body = await readBody(request);
        requests.push({ method, path, body });
        const real = body === undefined ? undefined : answer(options.dialect, path, body);
        if (real === undefined) {
          send(response, 404, { error: { message: "File Not Found", code: 404 } });
          return;
        }
        const reply = replies.shift() ?? "count";
        if (reply === "hang") return;
        if (reply === "count") send(response, 200, real);
        else if ("json" in reply) send(response, 200, reply.json);
        else send(response, reply.status, { error: { message: reply.message ?? `status ${reply.status}` } });
      })();
    });
    await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    const running: TokenizerServer = {
      url: `http://127.0.0.1:${port}/v1`,
      requests,
      discoveries,
      async close() {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      },
    };
    servers.push(running);
    return running;
  };
}
