import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "../testing/fake-openai-server.ts";
import { startInstalledServe } from "./installed-serve.test-support.ts";
import { npmEnvironment } from "./npm-environment.test-support.ts";
import { type PackedPackage, scratchProject, type Workspace } from "./scratch-project.test-support.ts";

// The packages as a user outside this repository gets them: `npm pack` (whose `prepack` builds `dist/`),
// installed offline into a project in the OS temp folder, then used from plain Node, from TypeScript and
// through `npx mull`: the library alone first, then with the command (`@mull/cli`), whose commands that
// load their packages lazily (report, serve, worker) run from the build, then with the embedded backend.
// Slow (two builds and three installs): about two minutes on a quiet machine.

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../../../..");
const workspacePackages = [
  { name: "mull", directory: "packages/mull" },
  { name: "@mull/llama-cpp", directory: "packages/llama-cpp" },
  { name: "@mull/cli", directory: "packages/cli" },
] as const;
/** The most packages (mull included) a library-only install may bring. */
const libraryPackageLimit = 10;
const lockPath = path.join(root, "package-lock.json");
if (!existsSync(lockPath)) console.warn(`skipping the packaging test: ${lockPath} is absent`);

interface Outcome {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end, never throwing on a non-zero exit. */
async function command(file: string, args: readonly string[], cwd: string): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(file, args, {
      cwd,
      env: npmEnvironment(),
      timeout: 300_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number | string; stdout?: string; stderr?: string; message?: string };
    const code = typeof failure.code === "number" ? failure.code : -1;
    return { code, stdout: failure.stdout ?? "", stderr: failure.stderr ?? failure.message ?? "" };
  }
}

function describeOutcome(what: string, outcome: Outcome): string {
  return `${what} exited with ${outcome.code}\n--- stdout\n${outcome.stdout}\n--- stderr\n${outcome.stderr}`;
}

/** Writes the scratch project for `packed` and installs it from the npm cache; a reason to skip if it cannot. */
async function install(workspace: Workspace, packed: readonly PackedPackage[], project: string) {
  const { manifest, lock } = scratchProject(workspace, packed);
  await writeFile(path.join(project, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeFile(path.join(project, "package-lock.json"), `${JSON.stringify(lock, null, 2)}\n`);
  const outcome = await command("npm", ["install", "--offline", "--no-audit", "--no-fund"], project);
  if (outcome.code === 0) return undefined;
  if (/ENOTCACHED/.test(outcome.stderr)) {
    return `the npm cache lacks a package the install needs (run npm ci first):\n${outcome.stderr}`;
  }
  throw new Error(describeOutcome("npm install --offline", outcome));
}

/**
 * A fake OpenAI-compatible upstream on loopback that answers every "What is A plus B?" right, in
 * `#### A+B` form, and anything else "ok".
 */
function startSumsUpstream(): Promise<FakeOpenAIServer> {
  return startFakeOpenAIServer({
    handler: (request) => {
      const match = /What is (\d+) plus (\d+)\?/.exec(request.prompt);
      const text = match === null ? "ok" : `We add them.\n#### ${Number(match[1]) + Number(match[2])}`;
      return { choices: Array.from({ length: request.n }, () => text) };
    },
  });
}

/** Two problems the sums upstream answers right. */
const sumsDataset = `${[
  { id: "sum-0", question: "What is 2 plus 3?", answer: "5" },
  { id: "sum-1", question: "What is 40 plus 2?", answer: "42" },
]
  .map((problem) => JSON.stringify(problem))
  .join("\n")}\n`;

const consumerScript = `import { solve } from "mull";
import { createScriptedBackend } from "mull/testing";

const backend = createScriptedBackend({ responses: ["6 * 7 = 42\\n#### 42", "6 * 7 = 41\\n#### 41", "#### 42"] });
const result = await solve({ problem: "What is 6 * 7?", strategy: "sc@6", backend, seed: 1 });
console.log(JSON.stringify({ answer: result.answer, candidates: result.candidates.length }));
`;

const consumerTypes = `import {
  createLlamaCppBackend,
  type LlamaCppBackendOptions,
  type ParsedSpeculativeOptions,
} from "@mull/llama-cpp";
import {
  type Backend,
  MullError,
  type SearchDefaults,
  type SearchRun,
  type SearchSettings,
  type SolveResult,
  selfConsistency,
  solve,
  strategyCatalog,
} from "mull";
import { ConfigError } from "mull/errors";
import { labPromptTemplate } from "mull/lab";
import { parseOptions } from "mull/runtime";
import type { GenerationRequest, PromptTemplate } from "mull/spec";
import { createScriptedBackend, type RunData, type ScriptedBackend, syntheticRun } from "mull/testing";
// @ts-expect-error internals stay out of the root entry
import { writeFileAtomically } from "mull";

const scripted: ScriptedBackend = createScriptedBackend({ responses: ["#### 42"] });
const backend: Backend = scripted;
const result: SolveResult = await solve({ problem: "What is 6 * 7?", strategy: selfConsistency({ n: 4 }), backend });
const answer: string | undefined = result.answer;
const forms: string[] = strategyCatalog.flatMap((entry) => [...entry.forms]);
const template: PromptTemplate = labPromptTemplate;
const request: GenerationRequest = { prompt: { kind: "text", text: "Q: 1+1=? A:" }, n: 1 };
const embedded: (options: LlamaCppBackendOptions) => Promise<Backend> = createLlamaCppBackend;
const failure: boolean = MullError.isInstance(new ConfigError("--n must be a number", { field: "--n" }));
// @ts-expect-error a problem is a string or a Problem
await solve({ problem: 42, strategy: "sc@4", backend });
// The types a search kit, a synthetic run and backend settings are written with are named by the entries.
const defaults: SearchDefaults = { aggregation: "min", select: "best" };
const settings = (search: SearchRun): SearchSettings => search.settings;
const run: RunData = syntheticRun({ problems: 3 });
const speculative: ParsedSpeculativeOptions = { kind: "prompt-lookup", tokens: 1, minMatch: 1 };
console.log(answer, forms, template, request, embedded, failure, parseOptions, writeFileAtomically);
console.log(defaults, settings, run.results.length, speculative);
`;

// Every entry but the server's and the AI SDK's (whose peers bring Node's or the SDK's types), type-checked
// without @types/node: a project on the DOM library (a browser, Deno, an edge runtime) needs no Node types.
const consumerWithoutNodeTypes = `import { createLlamaCppBackend } from "@mull/llama-cpp";
import { solve } from "mull";
import { ConfigError } from "mull/errors";
import { labPromptTemplate } from "mull/lab";
import { parseFlags } from "mull/runtime";
import type { Backend } from "mull/spec";
import { syntheticRun } from "mull/testing";

const values = parseFlags("consumer", ["--seed", "3"], { seed: { type: "string", default: "0" } });
const seed: string = values.seed;
const backend: Backend | undefined = undefined;
console.log(createLlamaCppBackend, solve, ConfigError, labPromptTemplate, seed, backend, syntheticRun);
`;

describe.skipIf(!existsSync(lockPath))(
  "mull, @mull/cli and @mull/llama-cpp packed and installed outside the workspace",
  () => {
    let scratch = "";
    let project = "";
    let workspace: Workspace;
    const packed: PackedPackage[] = [];
    let skipReason: string | undefined;

    beforeAll(async () => {
      const npm = await command("npm", ["--version"], root);
      if (npm.code !== 0) {
        skipReason = `npm is not runnable here: ${npm.stderr}`;
        return;
      }
      const [lock, manifest] = await Promise.all([
        readFile(lockPath, "utf8"),
        readFile(path.join(root, "package.json"), "utf8"),
      ]);
      workspace = {
        root,
        lock: JSON.parse(lock) as Workspace["lock"],
        overrides: (JSON.parse(manifest) as { overrides?: Record<string, string> }).overrides ?? {},
      };
      scratch = await mkdtemp(path.join(tmpdir(), "mull-pack-"));
      project = path.join(scratch, "project");
      await mkdir(project);
      for (const { name, directory } of workspacePackages) {
        const outcome = await command(
          "npm",
          ["pack", "--json", "--pack-destination", scratch],
          path.join(root, directory),
        );
        if (outcome.code !== 0) throw new Error(describeOutcome(`npm pack in ${directory}`, outcome));
        const [{ filename }] = JSON.parse(outcome.stdout) as [{ filename: string }];
        packed.push({ name, directory, tarball: path.join(scratch, filename) });
      }
      // The library alone first: the command's packages are @mull/cli's, the embedded backend an optional peer.
      skipReason = await install(workspace, packed.slice(0, 1), project);
    }, 600_000);

    afterAll(async () => {
      if (scratch !== "") await rm(scratch, { recursive: true, force: true });
    }, 180_000);

    it("ships the build, the lab models and no tests", async ({ skip }) => {
      skip(skipReason !== undefined, skipReason);
      const listing = await command("tar", ["-tzf", packed[1]!.tarball], scratch);
      expect(listing.code).toBe(0);
      expect(listing.stdout).toContain("package/models/lab-large.gguf");
      expect(listing.stdout).toContain("package/models/lab-small.gguf");
      expect(listing.stdout).toContain("package/models/lab-v2-large.gguf");
      expect(listing.stdout).toContain("package/models/lab-v2-small.gguf");
      expect(listing.stdout).toContain("package/dist/index.js");
      expect(listing.stdout).not.toMatch(/\.test\.ts$/m);
      const mull = await command("tar", ["-tzf", packed[0]!.tarball], scratch);
      expect(mull.stdout).toContain("package/dist/cli/main.js");
      expect(mull.stdout).toContain("package/dist/index.d.ts");
      expect(mull.stdout).not.toMatch(/\.test(-support)?\.(ts|js)$/m);
      const cli = await command("tar", ["-tzf", packed[2]!.tarball], scratch);
      expect(cli.stdout.trim().split("\n").sort()).toEqual([
        "package/LICENSE",
        "package/README.md",
        "package/bin/mull.js",
        "package/package.json",
      ]);
    }, 180_000);

    it(`installs the library alone as fewer than ${libraryPackageLimit} packages, none of the command's`, async ({
      skip,
    }) => {
      skip(skipReason !== undefined, skipReason);
      const outcome = await command("npm", ["ls", "--omit=dev", "--all", "--parseable"], project);
      expect(outcome.code, describeOutcome("npm ls", outcome)).toBe(0);
      const installed = outcome.stdout
        .trim()
        .split("\n")
        .slice(1)
        .map((line) => path.relative(path.join(project, "node_modules"), line));
      expect(installed).toContain("mull");
      expect(installed.length, installed.join(", ")).toBeLessThan(libraryPackageLimit);
      for (const name of ["commander", "hono", "pino", "vega", "vega-lite", "node-llama-cpp"]) {
        expect(installed).not.toContain(name);
      }
    }, 180_000);

    it("imports solve from plain Node and answers with a scripted backend", async ({ skip }) => {
      skip(skipReason !== undefined, skipReason);
      await writeFile(path.join(project, "solve.mjs"), consumerScript);
      const outcome = await command(process.execPath, ["solve.mjs"], project);
      expect(outcome.code, describeOutcome("node solve.mjs", outcome)).toBe(0);
      // Six samples cycle through 42, 41, 42: the vote is 4 to 2.
      expect(JSON.parse(outcome.stdout)).toEqual({ answer: "42", candidates: 6 });
    }, 180_000);

    it("runs npx mull --help from the build once @mull/cli is installed", async ({ skip }) => {
      skip(skipReason !== undefined, skipReason);
      skipReason = await install(workspace, [packed[0]!, packed[2]!], project);
      skip(skipReason !== undefined, skipReason);
      const outcome = await command("npx", ["mull", "--help"], project);
      expect(outcome.code, describeOutcome("npx mull --help", outcome)).toBe(0);
      for (const name of ["solve", "bench", "replay", "report", "serve", "lab", "models"]) {
        expect(outcome.stdout).toMatch(new RegExp(`^  ${name} `, "m"));
      }
    }, 180_000);

    it("says that the embedded lab needs @mull/llama-cpp when it is not installed", async ({ skip }) => {
      skip(skipReason !== undefined, skipReason);
      const outcome = await command("npx", ["mull", "solve", "1+2=?"], project);
      expect(outcome.code).toBe(1);
      expect(outcome.stderr).toContain("the embedded backend needs the package @mull/llama-cpp");
    }, 180_000);

    it("benches over HTTP and reports the run, plots as SVG, from the build (the report loads vega lazily)", async ({
      skip,
    }) => {
      skip(skipReason !== undefined, skipReason);
      await writeFile(path.join(project, "sums.jsonl"), sumsDataset);
      const upstream = await startSumsUpstream();
      let bench: Outcome;
      try {
        bench = await command(
          "npx",
          [
            ...["mull", "bench", "--dataset", "sums.jsonl", "--strategies", "greedy"],
            ...["--base-url", upstream.url, "--max-tokens", "32", "--seed", "4"],
            ...["--out", "runs/sums", "--json"],
          ],
          project,
        );
      } finally {
        await upstream.close();
      }
      expect(bench.code, describeOutcome("npx mull bench", bench)).toBe(0);
      const benched = JSON.parse(bench.stdout) as { runId: string; pairs: { recorded: number } };
      expect(benched.pairs.recorded).toBe(2);
      const run = path.join(project, "runs/sums");
      const report = await command(
        "npx",
        ["mull", "report", "runs/sums", "--svg", "runs/sums/plots", "--json"],
        project,
      );
      expect(report.code, describeOutcome("npx mull report", report)).toBe(0);
      // The files as resolved from the project's folder, which the OS may name through a link.
      const written = await realpath(run);
      expect(JSON.parse(report.stdout)).toEqual({
        directory: "runs/sums",
        runId: benched.runId,
        files: [path.join(written, "report.html"), path.join(written, "plots/accuracy-tokens.svg")],
      });
      const html = await readFile(path.join(run, "report.html"), "utf8");
      expect(html).toContain(`<title>mull report: sums.jsonl (${benched.runId})</title>`);
      // Drawn by vega: one point for the one strategy.
      const plot = await readFile(path.join(run, "plots/accuracy-tokens.svg"), "utf8");
      expect(plot.startsWith("<svg")).toBe(true);
      expect(plot).toContain('class="mark-symbol');
    }, 180_000);

    it("serves a loopback upstream from the build (hono, pino and prom-client load lazily) and stops on SIGTERM with 0", async ({
      skip,
    }) => {
      skip(skipReason !== undefined, skipReason);
      const upstream = await startSumsUpstream();
      try {
        const bin = path.join(project, "node_modules/.bin/mull");
        const served = await startInstalledServe(
          bin,
          ["--base-url", upstream.url],
          project,
          npmEnvironment(),
        );
        let code: number | null;
        try {
          const health = await fetch(`${served.url}/health`);
          expect(health.status).toBe(200);
          expect(await health.json()).toMatchObject({ status: "ok", in_flight: 0 });
          const models = (await (await fetch(`${served.url}/v1/models`)).json()) as {
            data: { id: string }[];
          };
          expect(models.data.map((model) => model.id)).toEqual(["fake-model", "sc@8:fake-model"]);
          const metrics = await fetch(`${served.url}/metrics`);
          expect(metrics.status).toBe(200);
          expect(await metrics.text()).toMatch(/^# HELP /m);
        } finally {
          code = await served.stop();
        }
        expect(code, served.stderr()).toBe(0);
        expect(served.stderr()).toContain("mull serve: stopped (all requests finished)\n");
        // The logger's own line (pino), beside the command's.
        expect(served.stderr()).toMatch(/^\{"level":30,.*"msg":"stopped"\}$/m);
      } finally {
        await upstream.close();
      }
    }, 180_000);

    it("says in one line from the build that the queue is unreachable (BullMQ and ioredis load lazily)", async ({
      skip,
    }) => {
      skip(skipReason !== undefined, skipReason);
      await writeFile(path.join(project, "sums.jsonl"), sumsDataset);
      const refusal =
        "mull: --queue: cannot connect to redis://127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1\n";
      // Both queue commands at once: each waits on the refused connection, not on the CPU.
      const [worker, bench] = await Promise.all([
        command("npx", ["mull", "worker", "--queue", "redis://127.0.0.1:1"], project),
        command(
          "npx",
          [
            ...["mull", "bench", "--queue", "redis://127.0.0.1:1", "--dataset", "sums.jsonl"],
            ...["--strategies", "greedy", "--base-url", "http://127.0.0.1:1/v1", "--model", "fake-model"],
            ...["--out", "runs/queued"],
          ],
          project,
        ),
      ]);
      expect(worker.code, describeOutcome("npx mull worker", worker)).toBe(1);
      expect(worker.stderr).toBe(refusal);
      expect(bench.code, describeOutcome("npx mull bench --queue", bench)).toBe(1);
      expect(bench.stderr).toBe(refusal);
    }, 180_000);

    it("type-checks a consumer against the shipped declarations of both packages", async ({ skip }) => {
      skip(skipReason !== undefined, skipReason);
      skipReason = await install(workspace, packed, project);
      skip(skipReason !== undefined, skipReason);
      await writeFile(path.join(project, "consumer.ts"), consumerTypes);
      const tsconfig = {
        compilerOptions: {
          target: "ES2023",
          lib: ["ES2023"],
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ["node"],
          typeRoots: [path.join(root, "node_modules/@types")],
        },
        files: ["consumer.ts"],
      };
      await writeFile(path.join(project, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
      const tsc = path.join(root, "node_modules/typescript/bin/tsc");
      const outcome = await command(process.execPath, [tsc, "-p", "tsconfig.json"], project);
      expect(outcome.code, describeOutcome("tsc", outcome)).toBe(0);
    }, 180_000);

    it("type-checks the entries without @types/node: their declarations import no node: module", async ({
      skip,
    }) => {
      skip(skipReason !== undefined, skipReason);
      await writeFile(path.join(project, "consumer-without-node.ts"), consumerWithoutNodeTypes);
      const tsconfig = {
        compilerOptions: {
          target: "ES2023",
          lib: ["ES2023", "DOM", "ESNext.Disposable"],
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: [],
        },
        files: ["consumer-without-node.ts"],
      };
      await writeFile(path.join(project, "tsconfig.without-node.json"), JSON.stringify(tsconfig, null, 2));
      const tsc = path.join(root, "node_modules/typescript/bin/tsc");
      const outcome = await command(process.execPath, [tsc, "-p", "tsconfig.without-node.json"], project);
      expect(outcome.code, describeOutcome("tsc without @types/node", outcome)).toBe(0);
    }, 180_000);

    it("solves on the embedded lab with @mull/llama-cpp installed beside it", async ({ skip }) => {
      skip(skipReason !== undefined, skipReason);
      const outcome = await command("npx", ["mull", "solve", "412+307-95=?", "--threads", "1"], project);
      if (outcome.code !== 0) {
        // Tell a platform without a usable node-llama-cpp binary apart from a broken package.
        const probe = path.join(project, "probe-llama.mjs");
        await writeFile(
          probe,
          'import { getLlama } from "node-llama-cpp";\nawait (await getLlama({ gpu: false, build: "never" })).dispose();\n',
        );
        const probed = await command(process.execPath, [probe], project);
        skip(
          probed.code !== 0,
          `node-llama-cpp's binary is not usable in the scratch install: ${probed.stderr}`,
        );
      }
      expect(outcome.code, describeOutcome("npx mull solve", outcome)).toBe(0);
      // The answer on stdout (412 + 307 - 95 = 624 when the vote is right), what it cost on stderr.
      expect(outcome.stdout).toMatch(/^-?\d+\n$/);
      expect(outcome.stderr).toMatch(/^sc@8 on lab-v2-large: 8 candidates, \d+ tokens/m);
      // Greedy decoding has one answer, and the shipped model gets it right.
      const greedy = await command(
        "npx",
        ["mull", "solve", "412+307-95=?", "--strategy", "greedy", "--threads", "1"],
        project,
      );
      expect(greedy.code, describeOutcome("npx mull solve --strategy greedy", greedy)).toBe(0);
      expect(greedy.stdout).toBe("624\n");
    }, 180_000);
  },
);
