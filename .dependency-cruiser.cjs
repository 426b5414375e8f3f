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
/** A folder's public face: its index.ts, or a sub-folder's (bench/store/, server/config/). */
const face = "/index\\.ts$";
/**
 * Files of another top-level folder that may be imported by their own path, not through its index.ts.
 * @type {string[]}
 */
const importedByFile = [
  // Pure arithmetic over spec's Usage that backends import by its own path, so that nothing stateful of
  // budget/ comes with it (see backends-import-spec-errors-runtime-budget-only).
  `${core}budget/usage\\.ts$`,
  // Two leaves of selection/ that generation/ and scoring/ use: selection/index.ts imports scoring/
  // (answer-groups.ts), which imports generation/, so through the index each import would close a cycle.
  `${core}selection/(tool-call-answer|softmax-weights)\\.ts$`,
  // The run's record types, which mull/testing's public declarations name: through bench/index.ts a
  // consumer's type check would read the bench's whole declaration graph (pg's types, NodeJS globals).
  `${core}bench/run-data\\.ts$`,
  // The BullMQ-free files of bench/queue/: `mull bench` and `mull worker` check --queue-name and name the
  // default queue without loading BullMQ and ioredis,
  // which bench/queue/index.ts loads (the CLI imports it lazily, where a command uses the queue).
  `${core}bench/queue/(check-queue-name|pair-job)\\.ts$`,
  // `mull report` says what an incomplete run lacks before it renders: report/index.ts loads Vega, which
  // the CLI imports lazily, to render only.
  `${core}report/describe-incomplete-run\\.ts$`,
  // `mull serve` reads --api-keys before it loads the server: server/middleware/index.ts loads Hono, which
  // the CLI imports lazily with the server.
  `${core}server/middleware/api-key-check\\.ts$`,
];
/** The strategy-layer folders that build their strategies on strategies/ (see the rules below). */
const strategyBuilders = `${core}(routing|search|composition)/`;
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
      name: "import-other-folders-through-their-index",
      comment:
        "A folder's index.ts is its public face: it exports by name, so helpers stay private. A file of one " +
        "top-level folder imports another top-level folder through its index.ts, or a sub-folder's " +
        "(bench/store/index.ts), which keeps what a lazily loaded part brings small; importedByFile lists the " +
        "files imported by their own path, each with why. Tests are exempt. routing/, search/, composition/ " +
        "and strategies/catalog.ts have the two rules below.",
      severity: "error",
      from: {
        path: `${core}([^/]+)/`,
        pathNot: [tests, strategyBuilders, `${core}strategies/catalog\\.ts$`],
      },
      to: { path: `${core}[^/]+/`, pathNot: [`${core}$1/`, face, ...importedByFile] },
    },
    {
      name: "strategy-builders-import-strategies-by-file",
      comment:
        "routing/, search/ and composition/ build their strategies on strategies/'s helpers (option schemas, " +
        "entries, run helpers), and strategies/index.ts exports the catalog, which imports their strategies: " +
        "through strategies/index.ts each import would close a cycle, so they import strategies/ by file, and " +
        "every other folder through its index.ts.",
      severity: "error",
      from: { path: strategyBuilders, pathNot: tests },
      to: { path: `${core}[^/]+/`, pathNot: [`${core}$1/`, face, ...importedByFile, `${core}strategies/`] },
    },
    {
      name: "strategy-catalog-imports-routing-by-file",
      comment:
        "strategies/catalog.ts lists the routing strategies' entries by file: routing/index.ts exports " +
        "allocation-spec.ts, which reads specs with strategies/find-strategy-entry.ts, which reads the catalog, " +
        "so through routing/index.ts the catalog would import itself. Every other folder through its index.ts.",
      severity: "error",
      from: { path: `${core}(strategies)/catalog\\.ts$` },
      to: { path: `${core}[^/]+/`, pathNot: [`${core}$1/`, face, ...importedByFile, `${core}routing/`] },
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
