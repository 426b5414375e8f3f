import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ConfigError } from "../errors/index.ts";
import { createProgram, exitCodes, type RunCliOptions, runCli } from "./main.ts";

describe("runCli exit codes", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  function quietly(): { printed: () => string } {
    const written: string[] = [];
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, "write").mockImplementation((chunk: string | Uint8Array) => {
        written.push(String(chunk));
        return true;
      });
    }
    return { printed: () => written.join("") };
  }

  it("treats a missing command as bad usage, after printing the help", async () => {
    const output = quietly();
    expect(await runCli(["node", "mull"])).toBe(exitCodes.usage);
    expect(output.printed()).toContain("Usage: mull");
  });

  it("exits 0 for --help and --version, which were asked for", async () => {
    const output = quietly();
    expect(await runCli(["node", "mull", "--help"])).toBe(exitCodes.success);
    expect(await runCli(["node", "mull", "--version"])).toBe(exitCodes.success);
    expect(output.printed()).toMatch(/\d+\.\d+\.\d+/);
  });

  it("names an unknown command and exits 2", async () => {
    const output = quietly();
    expect(await runCli(["node", "mull", "nope"])).toBe(exitCodes.usage);
    expect(output.printed()).toContain("unknown command 'nope'");
  });

  it("reads the arguments alone with from: user, and skips the first two entries by default", async () => {
    const output = quietly();
    expect(await runCli(["nope"], { from: "user" })).toBe(exitCodes.usage);
    expect(output.printed()).toContain("unknown command 'nope'");
    expect(await runCli(["--version"], { from: "user" })).toBe(exitCodes.success);
    expect(output.printed()).toMatch(/\d+\.\d+\.\d+/);
    // By default `nope` and `--version` are the executable and script entries, skipped: no command.
    const before = output.printed().length;
    expect(await runCli(["nope", "--version"])).toBe(exitCodes.usage);
    expect(output.printed().slice(before)).toContain("Usage: mull");
  });

  it("refuses an unknown argv form, naming the option and what it takes", async () => {
    const options = { from: "electron" } as unknown as RunCliOptions;
    const refusal = await runCli(["node", "mull"], options).catch((error: unknown) => error);
    expect(ConfigError.isInstance(refusal)).toBe(true);
    expect((refusal as ConfigError).message).toBe('runCli: from must be "node" or "user", got "electron"');
  });
});

/**
 * The options that default to nothing: left out, what they name is not used (no server, no key, no
 * file). Every other option's help states its default.
 */
const optionsWithoutDefault: Readonly<Record<string, readonly string[]>> = {
  solve: [
    "--base-url",
    "--api-key-env",
    "--prm-model",
    "--prm-api-key-env",
    "--system",
    "--draft-model",
    "--trace",
  ],
  bench: [
    "--store",
    "--base-url",
    "--api-key-env",
    "--system",
    "--draft-model",
    "--temperatures",
    "--prm-model",
    "--prm-api-key-env",
    "--queue",
  ],
  replay: [
    "--samples",
    "--run",
    "--store",
    "--strategy",
    "--escalate-samples",
    "--escalate-run",
    "--escalate-strategy",
    "--greedy-samples",
    "--greedy-strategy",
    "--escalate-greedy-samples",
    "--escalate-greedy-strategy",
    "--gold",
    "--wrong-cost",
  ],
  report: [
    "--store",
    "--name",
    "--svg",
    "--png",
    "--peak-flops",
    "--peak-bandwidth",
    "--model-shape",
    "--wrong-cost",
  ],
  serve: [
    "--config",
    "--base-url",
    "--upstream-key-env",
    "--allow-network",
    "--api-keys-env",
    "--system",
    "--route",
  ],
  tune: ["--api-key-env"],
  worker: ["--store"],
  lab: ["--limit"],
  fidelity: ["--api-key-env"],
  models: [],
};

describe("mull's help", () => {
  it("states the default of every option that has one, in every command's help", () => {
    const commands = createProgram().commands;
    expect(commands.map((command) => command.name()).sort()).toEqual(
      Object.keys(optionsWithoutDefault).sort(),
    );
    for (const command of commands) {
      const help = command.helpInformation();
      const undocumented = command.options
        .filter((option) => {
          // Commander prints a default it holds; a switch, or an option that must be given, has none.
          if (option.defaultValue !== undefined || option.mandatory || !(option.required || option.optional))
            return false;
          return !/default/i.test(option.description);
        })
        .map((option) => option.long);
      expect(undocumented, command.name()).toEqual(optionsWithoutDefault[command.name()]);
      for (const option of command.options) expect(help, command.name()).toContain(option.flags);
    }
  });

  it("states the defaults of sampling, --endpoint, --timeout, --threads, --log-level and --advertise, and lists --data-dir", () => {
    const help = (name: string) =>
      createProgram()
        .commands.find((command) => command.name() === name)!
        .helpInformation()
        .replace(/\s+/g, " ");
    expect(help("solve")).toContain(
      "--top-p <value> nucleus sampling threshold (default: 1 on a lab model, else the backend's)",
    );
    expect(help("bench")).toContain(
      "--max-tokens <count> maximum tokens per sample (default: 192 on a lab model",
    );
    expect(help("bench")).toContain("largest dataset line accepted (default 1048576, 1 MiB)");
    expect(help("tune")).toContain("as the template says (default auto)");
    expect(help("tune")).toContain("deadline per request and its retries (default 600)");
    expect(help("tune")).not.toContain("(default 0: failures count as errors) (default: 0)");
    expect(help("serve")).toContain("threads for the embedded engine (default 1)");
    expect(help("serve")).toContain("log level (default: the --config file's, else info)");
    expect(help("serve")).toContain(
      "--advertise <spec> a strategy GET /v1/models lists as a prefix of every served model, e.g. asc@16 " +
        "(repeatable; default sc@8 and bon@8 on the embedded lab, sc@8 on --base-url; with --config, added to its " +
        "server.advertisedStrategies)",
    );
    expect(help("fidelity")).toContain("--data-dir <dir>");
    expect(help("tune")).toContain("--data-dir <dir>");
  });
});

describe("mull's start-up", () => {
  it("loads the server's, the queue's and the report's packages only when a command uses them", () => {
    const url = (file: string) => JSON.stringify(new URL(file, import.meta.url).href);
    const heavy = [
      "hono",
      "@hono/node-server",
      "pino",
      "prom-client",
      "ioredis",
      "bullmq",
      "vega",
      "vega-lite",
    ];
    const script = [
      'import module from "node:module";',
      `const heavy = ${JSON.stringify(heavy)};`,
      "const seen = new Set();",
      "module.registerHooks({ resolve(specifier, context, next) {",
      '  const name = heavy.find((name) => specifier === name || specifier.startsWith(name + "/"));',
      "  if (name !== undefined) seen.add(name);",
      "  return next(specifier, context);",
      "} });",
      `await import(${url("./main.ts")});`,
      "const atStart = [...seen].sort();",
      `await import(${url("../server/index.ts")});`,
      `await import(${url("../bench/queue/index.ts")});`,
      `await import(${url("../report/index.ts")});`,
      "console.log(JSON.stringify({ atStart, afterCommands: [...seen].sort() }));",
    ].join("\n");
    const output = execFileSync(
      process.execPath,
      ["--conditions=mull-source", "--input-type=module", "--eval", script],
      { encoding: "utf8" },
    );
    expect(JSON.parse(output)).toEqual({ atStart: [], afterCommands: [...heavy].sort() });
  });

  it("loads node:sqlite only when a command opens a SQLite store, so Node 22 prints no SQLite warning", () => {
    const folder = mkdtempSync(join(tmpdir(), "mull-start-up-"));
    try {
      const url = (file: string) => JSON.stringify(new URL(file, import.meta.url).href);
      const script = [
        "const loaded = () => process.moduleLoadList.filter((name) => /sqlite/i.test(name)).length > 0;",
        `await import(${url("./main.ts")});`,
        "const atStart = loaded();",
        `const { openRunDatabase } = await import(${url("../bench/store/open-run-database.ts")});`,
        `openRunDatabase(${JSON.stringify(join(folder, "bench.sqlite"))}, { readOnly: false }).close();`,
        "console.log(JSON.stringify({ atStart, afterOpen: loaded() }));",
      ].join("\n");
      const output = execFileSync(
        process.execPath,
        ["--conditions=mull-source", "--input-type=module", "--eval", script],
        { encoding: "utf8" },
      );
      expect(JSON.parse(output)).toEqual({ atStart: false, afterOpen: true });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
