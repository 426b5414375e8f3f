import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { bindingCommit, llamaCppSource } from "./llama-cpp-source.ts";
import { nodeLlamaCppPackage } from "./node-llama-cpp-version.ts";

const head = "de3ff815ea7d559ee917f063901b8986f038abc6";
const prerequisite = "0123456789abcdef0123456789abcdef01234567";

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

/** A `llama` folder with an info file and a bundle whose header is `header`, then binary pack data. */
function llamaFolder(info: object, header: string): string {
  const directory = mkdtempSync(path.join(tmpdir(), "mull-llama-source-"));
  directories.push(directory);
  writeFileSync(path.join(directory, "llama.cpp.info.json"), JSON.stringify(info));
  writeFileSync(
    path.join(directory, "gitRelease.bundle"),
    Buffer.concat([Buffer.from(header, "latin1"), Buffer.from([0x50, 0x41, 0x43, 0x4b, 0, 0, 0, 2])]),
  );
  return directory;
}

describe("llamaCppSource", () => {
  it("reads the release and the head commit, past prerequisites, from the bundle's header", () => {
    const directory = llamaFolder(
      { tag: "v0.5.0", llamaCppGithubRepo: "ggml-org/llama.cpp" },
      `# v3 git bundle\n@object-format=sha1\n-${prerequisite} parent\n${head} HEAD\n${prerequisite} refs/tags/old\n\n`,
    );
    expect(llamaCppSource(directory)).toEqual({
      release: "v0.5.0",
      repo: "ggml-org/llama.cpp",
      commit: head,
    });
  });

  it("is undefined for a folder without the files, or a bundle without refs", () => {
    expect(llamaCppSource(path.join(tmpdir(), "no-such-llama-folder"))).toBeUndefined();
    expect(llamaCppSource(llamaFolder({ tag: "v0.5.0" }, "# v2 git bundle\n\n"))).toBeUndefined();
    expect(llamaCppSource(llamaFolder({}, `# v2 git bundle\n${head} HEAD\n\n`))).toBeUndefined();
  });

  it("reads the commit git itself lists for the installed node-llama-cpp's bundle", async () => {
    const installed = await nodeLlamaCppPackage();
    if (installed === undefined) throw new Error("node-llama-cpp is not installed");
    const llamaDirectory = path.join(installed.directory, "llama");
    const source = llamaCppSource(llamaDirectory);
    let listed: string;
    try {
      listed = execFileSync("git", ["bundle", "list-heads", path.join(llamaDirectory, "gitRelease.bundle")], {
        encoding: "utf8",
      });
    } catch {
      return; // no git here: the header test above covers the reading
    }
    expect(source?.commit).toBe(listed.split(" ")[0]);
  });
});

describe("bindingCommit", () => {
  const source = { release: "v0.5.0", repo: "ggml-org/llama.cpp", commit: head };

  it("is the source's commit for a binding of the same release and repository", () => {
    expect(bindingCommit({ repo: "ggml-org/llama.cpp", release: "v0.5.0" }, source)).toBe(head);
  });

  it("is undefined for a binding of another release or repository, or without a source", () => {
    expect(bindingCommit({ repo: "ggml-org/llama.cpp", release: "v0.6.0" }, source)).toBeUndefined();
    expect(bindingCommit({ repo: "someone/llama.cpp", release: "v0.5.0" }, source)).toBeUndefined();
    expect(bindingCommit({ repo: "ggml-org/llama.cpp", release: "v0.5.0" }, undefined)).toBeUndefined();
    expect(bindingCommit(undefined, source)).toBeUndefined();
  });
});
