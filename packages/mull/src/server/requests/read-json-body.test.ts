import { describe, expect, it } from "vitest";
import { ApiError } from "../http/index.ts";
import { exceedsJsonDepth, readJsonBody } from "./read-json-body.ts";

const limits = { maxBodyBytes: 1024, maxJsonDepth: 8 };

function request(
  body: BodyInit,
  contentType = "application/json",
  headers: Record<string, string> = {},
): Request {
  return new Request("http://local/v1/chat/completions", {
    method: "POST",
    headers: { "content-type": contentType, ...headers },
    body,
    ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
}

async function status(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error.status;
    throw error;
  }
  return 200;
}

describe("exceedsJsonDepth", () => {
  it("counts nesting outside strings only", () => {
    expect(exceedsJsonDepth("[[[1]]]", 3)).toBe(false);
    expect(exceedsJsonDepth("[[[[1]]]]", 3)).toBe(true);
    expect(exceedsJsonDepth('{"a":"[[[[[[[["}', 2)).toBe(false);
    expect(exceedsJsonDepth('{"a":"\\"[[[[[["}', 2)).toBe(false);
  });
});

describe("readJsonBody", () => {
  it("parses a JSON object", async () => {
    await expect(readJsonBody(request('{"a":1}'), limits)).resolves.toEqual({ a: 1 });
    await expect(
      readJsonBody(request('{"a":1}', "application/json; charset=utf-8"), limits),
    ).resolves.toEqual({ a: 1 });
  });

  it("answers 415 for a body that is not declared as JSON", async () => {
    expect(await status(readJsonBody(request('{"a":1}', "text/plain"), limits))).toBe(415);
  });

  it("answers 413 from the declared length, before reading", async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(512));
      },
    });
    expect(
      await status(readJsonBody(request(body, "application/json", { "content-length": "999999" }), limits)),
    ).toBe(413);
    expect(pulled).toBeLessThanOrEqual(1);
  });

  it("answers 413 for an undeclared body once the limit is passed, without reading the rest", async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(512));
      },
    });
    expect(await status(readJsonBody(request(body), limits))).toBe(413);
    expect(pulled).toBeLessThan(6);
  });

  it("reads a body of declared length, and still answers 413 when the body is longer than declared", async () => {
    const small = '{"a":1}';
    expect(
      await readJsonBody(
        request(small, "application/json", { "content-length": String(small.length) }),
        limits,
      ),
    ).toEqual({ a: 1 });
    const large = JSON.stringify({ text: "x".repeat(2_000) });
    expect(
      await status(readJsonBody(request(large, "application/json", { "content-length": "10" }), limits)),
    ).toBe(413);
  });

  it("reads a body of exactly maxBodyBytes, streamed or of declared length, and answers 413 one byte more", async () => {
    const body = (bytes: number) => JSON.stringify({ a: "x".repeat(bytes - '{"a":""}'.length) });
    const streamed = (text: string) =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(text));
          controller.close();
        },
      });
    const declared = (text: string) =>
      request(text, "application/json", { "content-length": String(text.length) });
    const exact = body(limits.maxBodyBytes);
    expect(exact).toHaveLength(limits.maxBodyBytes);
    expect(await readJsonBody(request(streamed(exact)), limits)).toEqual(JSON.parse(exact));
    expect(await readJsonBody(declared(exact), limits)).toEqual(JSON.parse(exact));
    const over = body(limits.maxBodyBytes + 1);
    expect(await status(readJsonBody(request(streamed(over)), limits))).toBe(413);
    expect(await status(readJsonBody(declared(over), limits))).toBe(413);
  });

  it("answers 415 naming the encoding for an encoded body, without reading it as text", async () => {
    const gzipped = new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0x7b, 0x22]);
    for (const encoding of ["gzip", "br", "deflate, gzip"]) {
      const error = await readJsonBody(
        request(gzipped, "application/json", { "content-encoding": encoding }),
        limits,
      ).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).status).toBe(415);
      expect((error as ApiError).code).toBe("unsupported_content_encoding");
      expect((error as ApiError).message).toContain(`Content-Encoding "${encoding}"`);
      expect((error as ApiError).message).toMatch(/^[\x20-\x7e]*$/);
    }
    const plain = request('{"a":1}', "application/json", { "content-encoding": "identity" });
    expect(await readJsonBody(plain, limits)).toEqual({ a: 1 });
  });

  it("reads a body whose Content-Encoding is identity in any case", async () => {
    for (const encoding of ["Identity", "IDENTITY", " identity "]) {
      const plain = request('{"a":1}', "application/json", { "content-encoding": encoding });
      expect(await readJsonBody(plain, limits), encoding).toEqual({ a: 1 });
    }
  });

  it("says a body that stops in the middle of its JSON ends too soon", async () => {
    const error = await readJsonBody(request('{"a":'), limits).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).message).toBe("the request body is not valid JSON (it ends too soon)");
  });

  it("never quotes the body in an invalid JSON message", async () => {
    const binary = new Uint8Array([0x1f, 0x8b, 0x08, 0x73, 0x65, 0x63, 0x72, 0x65, 0x74]);
    const error = (await readJsonBody(request(binary), limits).catch(
      (thrown: unknown) => thrown,
    )) as ApiError;
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^the request body is not valid JSON/);
    expect(error.message).not.toContain("secret");
    expect(error.message).toMatch(/^[\x20-\x7e]*$/);
    const cut = (await readJsonBody(request('{"key": "sk-abc", oops}'), limits).catch(
      (thrown: unknown) => thrown,
    )) as ApiError;
    expect(cut.message).toMatch(/^the request body is not valid JSON \(at character \d+\)$/);
    expect(cut.message).not.toContain("sk-abc");
  });

  it("answers 400 for empty, invalid or too deep JSON", async () => {
    expect(await status(readJsonBody(request(""), limits))).toBe(400);
    expect(await status(readJsonBody(request("{nope"), limits))).toBe(400);
    expect(await status(readJsonBody(request(`${"[".repeat(9)}${"]".repeat(9)}`), limits))).toBe(400);
  });
});
