import { defineConfig } from "vitest/config";

// The workspace packages resolve to their TypeScript sources through the `mull-source` export condition
// (see the `exports` of packages/*/package.json), never to a `dist/` build; Vitest also passes these
// conditions to the Node of its workers.
const conditions = ["mull-source", "node", "development|production"];

export default defineConfig({
  ssr: { resolve: { conditions } },
  test: {
    include: [
      "packages/*/src/**/*.test.ts",
      "packages/*/benchmarks/**/*.test.ts",
      "packages/*/training/**/*.test.ts",
      "scripts/**/*.test.ts",
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
