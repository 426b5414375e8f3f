import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import path from "node:path";

/** The llama.cpp source node-llama-cpp ships in its `llama` folder. */
export interface LlamaCppSource {
  /** The release tag, e.g. `v0.5.0` (`llama.cpp.info.json` `tag`). */
  readonly release: string;
  /** The GitHub repository, e.g. `ggml-org/llama.cpp` (`llama.cpp.info.json` `llamaCppGithubRepo`). */
  readonly repo: string | undefined;
  /** The full commit hash the source's git bundle holds (`gitRelease.bundle`). */
  readonly commit: string;
}

/** How much of the bundle's head is read: its text header (`# v2 git bundle`, `@…` capabilities, `<sha> <ref>` lines). */
const bundleHeaderBytes = 4096;

function bundleHeader(file: string): string {
  const descriptor = openSync(file, "r");
  try {
    const buffer = Buffer.alloc(bundleHeaderBytes);
    const read = readSync(descriptor, buffer, 0, bundleHeaderBytes, 0);
    return buffer.subarray(0, read).toString("latin1");
  } finally {
    closeSync(descriptor);
  }
}

/**
 * The llama.cpp release and commit in node-llama-cpp's `llama` folder (`llamaDirectory`): the release of
 * `llama.cpp.info.json`, and the first ref of `gitRelease.bundle`, read from the bundle's header only.
 * `undefined` when either cannot be read.
 *
 * @example
 * llamaCppSource("node_modules/node-llama-cpp/llama");
 * // { release: "v0.5.0", repo: "ggml-org/llama.cpp", commit: "de3ff815ea7d559ee917f063901b8986f038abc6" }
 */
export function llamaCppSource(llamaDirectory: string): LlamaCppSource | undefined {
  try {
    const info = JSON.parse(readFileSync(path.join(llamaDirectory, "llama.cpp.info.json"), "utf8")) as {
      tag?: unknown;
      llamaCppGithubRepo?: unknown;
    };
    // Prerequisite lines start with `-`; the first `<sha> <ref>` line is the head.
    const commit = /^([0-9a-f]{40}) /m.exec(
      bundleHeader(path.join(llamaDirectory, "gitRelease.bundle")),
    )?.[1];
    if (typeof info.tag !== "string" || commit === undefined) return undefined;
    const repo = typeof info.llamaCppGithubRepo === "string" ? info.llamaCppGithubRepo : undefined;
    return { release: info.tag, repo, commit };
  } catch {
    return undefined;
  }
}

/**
 * The commit a binding of llama.cpp `binding` (node-llama-cpp's `llama.llamaCppRelease`) was built from:
 * `source`'s, where it is the same release of the same repository; else `undefined` (a binding built from
 * another release than the source node-llama-cpp ships).
 *
 * @example
 * bindingCommit(llama.llamaCppRelease, llamaCppSource(llamaDirectory)); // "de3ff815ea7d559ee917f063901b8986f038abc6"
 */
export function bindingCommit(
  binding: { readonly repo?: unknown; readonly release?: unknown } | undefined,
  source: LlamaCppSource | undefined,
): string | undefined {
  if (binding === undefined || source === undefined || binding.release !== source.release) return undefined;
  if (source.repo !== undefined && typeof binding.repo === "string" && binding.repo !== source.repo)
    return undefined;
  return source.commit;
}
