import { describe, expect, it, vi } from "vitest";

vi.mock("@resvg/resvg-js", () => {
  throw new Error("Cannot find package '@resvg/resvg-js'");
});

describe("renderPng without @resvg/resvg-js", () => {
  it("fails with a message that names the package and how to install it", async () => {
    const { renderPng } = await import("./render-png.ts");
    await expect(renderPng('<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"/>')).rejects.toThrow(
      /optional package @resvg\/resvg-js, which is not installed \(npm install @resvg\/resvg-js\)/,
    );
  });
});
