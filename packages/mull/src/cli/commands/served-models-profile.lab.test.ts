import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseServerConfig } from "../../server/config/index.ts";
import { labModelsUnderTest } from "../lab-models-under-test.test-support.ts";
import { renamedLabModel } from "../renamed-lab-model.test-support.ts";
import { servedModelsProfile } from "./served-models-profile.ts";

const lab = labModelsUnderTest(["lab-small"]);
if (lab.missing !== undefined) console.log(lab.missing);
const renamed = renamedLabModel("trained.gguf");

/** The name of the profile `servedModelsProfile` gives the configuration of `upstreams`. */
async function profileName(upstreams: unknown[]): Promise<string> {
  return (await servedModelsProfile(parseServerConfig({ upstreams }))).name;
}

const remote = { name: "remote", baseUrl: "https://llm.example.com/v1" };

describe.skipIf(!lab.present)("servedModelsProfile", () => {
  it("is the lab's for an embedded lab model's file not named lab-….gguf", async () => {
    expect(await profileName([{ name: "local", kind: "embedded", models: [renamed.path] }])).toBe("lab");
    expect(
      await profileName([
        { name: "local", kind: "embedded", models: [{ name: "mine", upstreamModel: renamed.path }] },
      ]),
    ).toBe("lab");
  });

  it("is the lab's for lab models known by name, embedded or behind a server", async () => {
    expect(await profileName([{ name: "local", kind: "embedded", models: ["lab-small"] }])).toBe("lab");
    expect(await profileName([{ ...remote, models: ["lab-large", "/models/lab-small.gguf"] }])).toBe("lab");
  });

  it("is the default one as soon as one served model is not a lab model", async () => {
    expect(
      await profileName([
        { name: "local", kind: "embedded", models: [renamed.path] },
        { ...remote, models: ["qwen2.5-7b"] },
      ]),
    ).toBe("default");
    // A server's model is known by its name only: its file is not on this machine.
    expect(await profileName([{ ...remote, models: [renamed.path] }])).toBe("default");
    expect(
      await profileName([
        { name: "local", kind: "embedded", models: [path.join(renamed.directory, "missing.gguf")] },
      ]),
    ).toBe("default");
  });
});
