/**
 * Architecture rules: no import cycles, and layers point one way
 * (spec ← errors ← backends/blocks ← strategies ← surfaces, integrations/ among the surfaces).
 * @type {import('dependency-cruiser').IConfiguration}
 */
const core = "^packages/mull/src/";
module.exports = {
  forbidden: [
    { name: "no-circular", severity: "error", from: {}, to: { circular: true } },
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
      name: "core-has-no-native-code",
      comment: "The core package stays free of native dependencies; the embedded backend is its own package.",
      severity: "error",
      from: { path: `${core}(?!cli/)` },
      to: { path: "node-llama-cpp|packages/llama-cpp" },
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
    exclude: { path: "(^|/)(node_modules|dist)/" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: [".ts", ".js"] },
  },
};
