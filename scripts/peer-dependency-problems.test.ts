import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type PeerManifest, peerDependencyProblems } from "./peer-dependency-problems.ts";

const root = path.resolve(import.meta.dirname, "..");
const read = (directory: string): PeerManifest & Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(root, directory, "package.json"), "utf8")) as PeerManifest &
    Record<string, unknown>;

describe("peerDependencyProblems", () => {
  it("names an optional peer from outside the workspace, with its range and the way out", () => {
    const problems = peerDependencyProblems([
      {
        name: "mull",
        peerDependencies: { commander: "^15.1.0", "@mull/llama-cpp": "0.1.0" },
        peerDependenciesMeta: { commander: { optional: true }, "@mull/llama-cpp": { optional: true } },
      },
      { name: "@mull/llama-cpp", peerDependencies: { mull: "0.1.0" } },
    ]);
    expect(problems).toEqual([
      "mull: the optional peer commander (^15.1.0) is not a package of this workspace: npm refuses to install " +
        "mull beside another version of commander (ERESOLVE); make commander a dependency of the package " +
        "whose code needs it",
    ]);
  });

  it("names a required peer from outside the workspace: zod met by a project's zod 3", () => {
    const problems = peerDependencyProblems([
      { name: "mull", peerDependencies: {} },
      { name: "@mull/llama-cpp", peerDependencies: { mull: "0.1.0", zod: "^4.6.7" } },
    ]);
    expect(problems).toEqual([
      "@mull/llama-cpp: the peer zod (^4.6.7) is not a package of this workspace: npm refuses to install " +
        "@mull/llama-cpp beside another version of zod (ERESOLVE), and under --legacy-peer-deps " +
        "@mull/llama-cpp runs against the project's zod; make zod a dependency of the package whose code needs it",
    ]);
  });

  it("accepts peers from inside the workspace, and the OpenTelemetry API as a required peer only", () => {
    expect(
      peerDependencyProblems([
        {
          name: "mull",
          peerDependencies: { "@opentelemetry/api": ">=1.3.0 <2.0.0", "@mull/llama-cpp": "0.1.0" },
          peerDependenciesMeta: { "@mull/llama-cpp": { optional: true } },
        },
        { name: "@mull/llama-cpp", peerDependencies: { mull: "0.1.0" } },
      ]),
    ).toEqual([]);
    const optional = peerDependencyProblems([
      {
        name: "mull",
        peerDependencies: { "@opentelemetry/api": "^1.9.0" },
        peerDependenciesMeta: { "@opentelemetry/api": { optional: true } },
      },
    ]);
    expect(optional).toHaveLength(1);
    expect(optional[0]).toMatch(/^mull: the optional peer @opentelemetry\/api \(\^1\.9\.0\)/);
  });

  it("finds none in the workspace's packages, and none of mull's peers is a package @mull/cli depends on", () => {
    const [mull, llamaCpp, cli] = [read("packages/mull"), read("packages/llama-cpp"), read("packages/cli")];
    expect(peerDependencyProblems([mull, llamaCpp, cli])).toEqual([]);
    // @mull/llama-cpp builds its schemas with mull's zod (`mull/runtime`), never the project's.
    expect(Object.keys(llamaCpp.peerDependencies ?? {})).toEqual(["mull"]);
    const command = {
      ...(cli.dependencies as Record<string, string>),
      ...(cli.optionalDependencies as Record<string, string>),
    };
    const shared = Object.keys(mull.peerDependencies ?? {}).filter((name) => name in command);
    expect(shared).toEqual([]);
  });
});
