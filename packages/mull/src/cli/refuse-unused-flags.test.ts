import { describe, expect, it } from "vitest";
import { strategyCatalog } from "../strategies/index.ts";
import { type FlagsContext, type FlagsInUse, refuseUnusedFlags } from "./refuse-unused-flags.ts";
import { UsageError } from "./usage-error.ts";

const embedded: FlagsContext = { backend: "embedded", specFlag: "--strategy" };
const server: FlagsContext = { backend: "openai", specFlag: "--strategy" };

/** The refusal of `flags`, or undefined when they are taken. */
function refusal(flags: FlagsInUse, context: FlagsContext = embedded): UsageError | undefined {
  try {
    refuseUnusedFlags(flags, context);
    return undefined;
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
}

describe("refuseUnusedFlags", () => {
  it("refuses each flag the embedded backend and the strategy would ignore, naming it, its value and why", () => {
    const refused: [FlagsInUse, string, string][] = [
      [
        { strategies: ["sc@8"], apiKeyEnv: "FOO" },
        "--api-key-env",
        "--api-key-env FOO applies to an OpenAI-compatible server (--base-url) only; the embedded backend takes no key",
      ],
      [
        { strategies: ["sc@8"], retries: 3 },
        "--retries",
        "--retries 3 applies to an OpenAI-compatible server (--base-url) only; the embedded backend sends no HTTP request",
      ],
      [
        { strategies: ["sc@8"], retries: 0 },
        "--retries",
        "--retries 0 applies to an OpenAI-compatible server (--base-url) only; the embedded backend sends no HTTP request",
      ],
      [
        { strategies: ["sc@8"], timeout: 2.5 },
        "--timeout",
        "--timeout 2.5 applies to an OpenAI-compatible server (--base-url) only; the embedded backend sends no HTTP request",
      ],
      [
        { strategies: ["pf@4"], prmModel: "foo" },
        "--prm-model",
        "--prm-model foo applies to an HTTP PRM (--prm URL) only; no --prm was given",
      ],
      [
        { strategies: ["pf@4"], prm: "exact", prmApiKeyEnv: "PRM_KEY" },
        "--prm-api-key-env",
        "--prm-api-key-env PRM_KEY applies to an HTTP PRM (--prm URL) only; --prm exact is not one",
      ],
      [
        { strategies: ["greedy"], scorer: "lab", prm: "exact" },
        "--scorer",
        "--scorer lab applies to strategies that use an outcome scorer (wv@N, bon@N, accept@N); --strategy greedy is not one",
      ],
    ];
    for (const [flags, field, message] of refused) {
      const error = refusal(flags);
      expect(error?.field, field).toBe(field);
      expect(error?.message).toBe(message);
    }
    const prm = refusal({ strategies: ["bon@4"], scorer: "lab", prm: "exact" });
    expect(prm?.field).toBe("--prm");
    expect(prm?.message).toMatch(
      /^--prm exact applies to strategies that use a process reward model \(beam@NxM, .*pf@N.*\); --strategy bon@4 is not one$/,
    );
  });

  it("lists the strategies that use a scorer or a PRM from the catalog, not from a table of its own", () => {
    const prm = refusal({ strategies: ["greedy"], prm: "exact" });
    const forms = strategyCatalog
      .filter((entry) => entry.needs.includes("prm"))
      .map((entry) => entry.forms[0]);
    expect(forms.length).toBeGreaterThan(1);
    expect(prm?.message).toContain(`(${forms.join(", ")})`);
  });

  it("says the list of --strategies names none, as mull bench has", () => {
    const context: FlagsContext = { backend: "embedded", specFlag: "--strategies" };
    expect(refusal({ strategies: ["greedy", "sc@4"], scorer: "lab" }, context)?.message).toBe(
      "--scorer lab applies to strategies that use an outcome scorer (wv@N, bon@N, accept@N); " +
        "--strategies greedy,sc@4 names none",
    );
  });

  it("takes the same flags where they are used", () => {
    expect(
      refusal({ strategies: ["sc@8"], apiKeyEnv: "KEY", retries: 0, timeout: 5 }, server),
    ).toBeUndefined();
    const http = { prm: "https://prm.example/v1", prmModel: "prm", prmApiKeyEnv: "PRM_KEY" };
    expect(refusal({ strategies: ["beam@4x2"], ...http })).toBeUndefined();
    // A spec that uses one, written any way the catalog reads: a wrapper, an architecture, routed, in capitals.
    for (const spec of ["BON@4", "asc(bon@8)", "esc(bon@8)w4", "gen@4+verify+vote", "bon@8:a>b"]) {
      expect(refusal({ strategies: [spec], scorer: "lab" }), spec).toBeUndefined();
    }
    for (const spec of ["pf@4", "tot-bfs@4x3", "astar@4", "mcts@8"]) {
      expect(refusal({ strategies: [spec], prm: "exact" }), spec).toBeUndefined();
    }
    expect(refusal({ strategies: ["wv@4"], scorer: "judge", prm: undefined })).toBeUndefined();
    // Temperature 0 is what greedy does; any temperature applies as soon as another strategy samples.
    expect(refusal({ strategies: ["greedy"], temperature: 0 })).toBeUndefined();
    expect(refusal({ strategies: ["greedy", "sc@4"], temperature: 0.7, topP: 0.9 })).toBeUndefined();
    expect(refusal({ strategies: ["single"], temperature: 0.7 })).toBeUndefined();
  });
});
