import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../mull/src/errors/index.ts";
import { checkInputFile } from "./check-input-file.ts";

const folder = mkdtempSync(join(tmpdir(), "check-input-file-"));
const file = join(folder, "model.gguf");
writeFileSync(file, "GGUF");
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** The ConfigError `checkInputFile` throws for `path`. */
function refusal(path: string): ConfigError {
  try {
    checkInputFile("speed.ts", "model", path);
  } catch (error) {
    if (ConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error(`expected ${path} to be refused`);
}

describe("checkInputFile", () => {
  it("accepts a file", () => {
    expect(() => checkInputFile("speed.ts", "model", file)).not.toThrow();
  });

  it("refuses a missing path and a folder, naming the owner, the field and the path", () => {
    const missing = join(folder, "nosuch.gguf");
    const error = refusal(missing);
    expect(error.field).toBe("model");
    expect(error.message).toBe(`speed.ts: model ${JSON.stringify(missing)} does not exist`);
    expect(refusal(join(file, "below")).message).toContain("does not exist");
    expect(refusal(folder).message).toBe(
      `speed.ts: model ${JSON.stringify(folder)} is a directory, not a file`,
    );
  });
});
