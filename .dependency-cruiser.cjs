/**
 * Architecture rules: no import cycles, and layers point one way
 * (spec ← errors ← backends/blocks ← strategies ← surfaces, integrations/ among the surfaces).
 *
 * Imports of `mull`, `mull/*` and `@mull/llama-cpp` resolve through the packages' "mull-source" export
 * condition to the .ts sources, so cross-package imports meet the same rules as relative ones; an import
 * that resolves to nothing fails `not-to-unresolvable` rather than passing every rule unseen.
 * @type {import('dependency-cruiser').IConfiguration}
 */
const core = "^packages/mull/src/";
const tests = "\\.test(-support)?\\.ts$";
module.exports = {
  forbidden: [
    { name: "no-circular", severity: "error", from: {}, to: { circular: true } },
    {
      name: "not-to-unresolvable",
      comment:
        "Every import resolves to a file: one that does not is invisible to every other rule (a missing " +
        "export condition, a typo, a package not installed).",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: "spec-imports-nothing",
      comment: "spec/ holds types only and imports nothing from the rest of mull.",
      severity: "error",
      from: { path: `${core}spec/` },
      to: { path: `${core}(?!spec/)` },
    },
    {
      name: "errors-import-spec-only",
      severity: "error",
      from: { path: `${core}errors/` },
      to: { path: `${core}(?!spec/|errors/)` },
    },
    {
      name: "backends-import-spec-errors-runtime-budget-only",
      comment:
        "A backend depends on spec + errors, the runtime's utilities (option checks, clocks, retries) and " +
        "one file of budget/: usage.ts, the pure arithmetic over spec's Usage (summing the usage of a " +
        "call's attempts), imported by its own path so that nothing stateful of budget/ comes with it. " +
        "telemetry/ too (it imports spec and runtime only): a backend traces the requests no generation " +
        "span covers (a capability probe) and sends the trace context upstream. " +
        "Tests may also use the public doubles of testing/.",
      severity: "error",
      from: { path: `${core}backends/`, pathNot: tests },
      to: { path: `${core}(?!spec/|errors/|runtime/|telemetry/|backends/|budget/usage\\.ts$)` },
    },
    {
      name: "backend-tests-import-spec-errors-runtime-budget-testing-only",
      comment: "The tests of backends/ keep to the backends' own layer, plus the doubles of testing/.",
      severity: "error",
      from: { path: `${core}backends/.*${tests}` },
      to: { path: `${core}(?!spec/|errors/|runtime/|telemetry/|backends/|budget/usage\\.ts$|testing/)` },
    },
    {
      name: "blocks-never-import-strategies-or-surfaces",
      severity: "error",
      from: {
        path: `${core}(spec|errors|runtime|backends|answers|budget|generation|scoring|selection|trace|telemetry|metrics|lab|steps|process-rewards|prompts|diagnostics)/`,
      },
      to: {
        path: `${core}(strategies|search|routing|composition|solve\\.ts|cli|server|bench|report|integrations)`,
      },
    },
    {
      name: "strategies-never-import-surfaces",
      severity: "error",
      from: { path: `${core}(strategies|search|routing|composition)/` },
      to: { path: `${core}(cli|server|bench|report|integrations)/` },
    },
    {
      name: "surfaces-never-import-server-internals",
      comment:
        "The server's request handling and upstream pool are its own: other surfaces use what server/index.ts " +
        "exports, and what they share with it (how a model name carries a strategy, …) lives below them.",
      severity: "error",
      from: { path: `${core}(cli|bench|report|integrations)/` },
      to: { path: `${core}server/(requests|upstreams)/` },
    },
    {
      name: "testing-never-imports-surfaces",
      comment:
        "testing/ holds the public test doubles (backends, PRMs, scorers, contexts) at the blocks' level.",
      severity: "error",
      from: { path: `${core}testing/` },
      to: { path: `${core}(cli|server|report|integrations)/` },
    },
    {
      name: "testing-doubles-never-import-strategies",
      comment:
        "The doubles themselves stay below the strategies; their tests may run a strategy through solve.",
      severity: "error",
      from: { path: `${core}testing/`, pathNot: tests },
      to: { path: `${core}(strategies|search|routing|composition|solve\\.ts)` },
    },
    {
      name: "testing-imports-bench-types-only",
      comment:
        "syntheticRun is a bench-level double: a made-up RunData for tests of summaries and reports, so it " +
        "names bench/run-data.ts's record types. Those imports are type-only, which keeps bench's code out of " +
        "the published mull/testing entry; a value import of bench/ does not.",
      severity: "error",
      from: { path: `${core}testing/` },
      to: { path: `${core}bench/`, dependencyTypesNot: ["type-only"] },
    },
    {
      name: "core-has-no-native-code",
      comment:
        "The core package stays free of native dependencies; the embedded backend is its own package. The " +
        "CLI loads it when installed, and the lab tests (*.lab.test.ts, not published) run strategies on its " +
        "tiny models.",
      severity: "error",
      from: { path: core, pathNot: `${core}cli/|\\.lab\\.test\\.ts$` },
      to: {
        path: "^(packages/llama-cpp/|@mull/llama-cpp($|/)|node-llama-cpp($|/))|(^|/)node_modules/(@mull/llama-cpp|node-llama-cpp)/",
      },
    },
    {
      name: "production-code-never-imports-tests",
      severity: "error",
      from: { pathNot: "\\.test\\.ts$" },
      to: { path: "\\.test\\.ts$" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // node_modules stays in the graph, unfollowed: a rule about a third-party package (node-llama-cpp) sees
    // the import; excluding it would drop the edge.
    exclude: { path: "^packages/[^/]+/dist/" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      extensions: [".ts", ".js"],
      exportsFields: ["exports"],
      // "mull-source": the workspace packages' exports list it first, pointing at their .ts sources (as
      // tsconfig's customConditions and `node --conditions=mull-source` read them); the rest resolve
      // third-party packages.
      conditionNames: ["mull-source", "import", "node", "default"],
    },
  },
};
