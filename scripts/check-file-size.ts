/**
 * Keeps source files small enough to read in one sitting: lists every `.ts` file under a package's
 * `src/` (`packages/<name>/src`) over `maximumLines` lines, and exits 1 when there is one. Tests
 * (`*.test.ts`), their support files (`*.test-support.ts`) and test doubles (anything under a `testing/`
 * folder) are left out, as are the files in `exempt`.
 *
 * @example
 * node scripts/check-file-size.ts
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const maximumLines = 350;

/** Files allowed over the limit, each with its reason. */
const exempt: ReadonlyMap<string, string> = new Map([
  ["packages/mull/src/index.ts", "the public entry's explicit export list, one name a line"],
]);

/** Whether a source file, by its path inside `src/`, is a test, a test's support or a test double. */
function isTestCode(file: string): boolean {
  return (
    file.endsWith(".test.ts") || file.endsWith(".test-support.ts") || file.split("/").includes("testing")
  );
}

/** Lines as `wc -l` counts them, plus a last line that has no newline. */
function lineCount(text: string): number {
  if (text === "") return 0;
  const newlines = text.split("\n").length - 1;
  return text.endsWith("\n") ? newlines : newlines + 1;
}

const oversized: { file: string; lines: number }[] = [];
for (const entry of readdirSync(path.join(root, "packages"), { withFileTypes: true })) {
  if (!entry.isDirectory()) continue;
  const source = path.join(root, "packages", entry.name, "src");
  let files: string[];
  try {
    files = readdirSync(source, { recursive: true, encoding: "utf8" });
  } catch {
    continue; // a package without sources
  }
  for (const relative of files) {
    const inSource = relative.split(path.sep).join("/");
    const file = `packages/${entry.name}/src/${inSource}`;
    if (!file.endsWith(".ts") || isTestCode(inSource) || exempt.has(file)) continue;
    const lines = lineCount(readFileSync(path.join(root, file), "utf8"));
    if (lines > maximumLines) oversized.push({ file, lines });
  }
}

if (oversized.length > 0) {
  oversized.sort((a, b) => a.file.localeCompare(b.file));
  console.error(
    `${oversized.length} source file${oversized.length === 1 ? "" : "s"} over ${maximumLines} lines; split each into files of one concept:`,
  );
  for (const { file, lines } of oversized) console.error(`  ${file}: ${lines} lines`);
  process.exit(1);
}
