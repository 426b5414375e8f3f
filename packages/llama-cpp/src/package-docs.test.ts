import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";

// The package's README and model card are read inside node_modules/@mull/llama-cpp, where only the files
// of package.json's "files" are: what they point to there must be shipped, and what lives in the
// repository only (training, benchmarks) must be named as the repository's.

const packageRoot = path.resolve(import.meta.dirname, "..");
const repositoryRoot = path.resolve(packageRoot, "../..");
const shippedDocs = ["README.md", "models/MODEL-CARD.md"] as const;

/** The files `npm pack` puts in the tarball, relative to the package's folder. */
async function packedFiles(): Promise<string[]> {
  const environment = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)),
  );
  const { stdout } = await promisify(execFile)(
    "npm",
    ["pack", "--dry-run", "--json", "--ignore-scripts", packageRoot],
    { cwd: repositoryRoot, env: environment, maxBuffer: 16 * 1024 * 1024 },
  );
  const [listing] = JSON.parse(stdout) as [{ files: { path: string }[] }];
  return listing.files.map((file) => file.path);
}

/** A doc's paragraphs, fenced code blocks left out. */
function paragraphs(text: string): string[] {
  return text
    .replace(/^```[^\n]*\n[\s\S]*?^```$/gm, "")
    .split(/\n\s*\n/)
    .filter((paragraph) => paragraph.trim() !== "");
}

/** The file paths a paragraph names: code spans and link targets that end in a file extension. */
function namedFiles(paragraph: string): string[] {
  const candidates = [
    ...[...paragraph.matchAll(/`([^`\n]+)`/g)].map((match) => match[1]!),
    ...[...paragraph.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!),
  ];
  return candidates.filter((candidate) =>
    /^(\.{1,2}\/)*[\w@.-]+(\/[\w@.-]+)*\.(md|ts|js|mjs|py|json|gguf)$/.test(candidate),
  );
}

describe("@mull/llama-cpp's shipped docs", () => {
  let shipped: string[] = [];
  let skipReason: string | undefined;
  beforeAll(async () => {
    try {
      shipped = await packedFiles();
    } catch (error) {
      skipReason = `npm pack is not runnable here: ${(error as Error).message}`;
    }
  }, 60_000);

  it("are shipped, and point only to shipped files or to the repository's by their path in it", async ({
    skip,
  }) => {
    skip(skipReason !== undefined, skipReason);
    for (const doc of shippedDocs) {
      expect(shipped).toContain(doc);
      const text = await readFile(path.join(packageRoot, doc), "utf8");
      for (const file of paragraphs(text).flatMap(namedFiles)) {
        if (file.startsWith("packages/")) {
          expect(
            existsSync(path.join(repositoryRoot, file)),
            `${doc} names ${file}: not in the repository`,
          ).toBe(true);
          continue;
        }
        const inPackage = path.relative(packageRoot, path.resolve(packageRoot, path.dirname(doc), file));
        expect(shipped, `${doc} names ${file} (${inPackage}), which the package does not ship`).toContain(
          inPackage.split(path.sep).join("/"),
        );
      }
    }
  });

  it("run an npm script from the installed package only where its files ship, else say it runs in a clone", async ({
    skip,
  }) => {
    skip(skipReason !== undefined, skipReason);
    const manifest = (file: string) =>
      readFile(file, "utf8").then((text) => JSON.parse(text) as { scripts?: Record<string, string> });
    const own = (await manifest(path.join(packageRoot, "package.json"))).scripts ?? {};
    const repository = (await manifest(path.join(repositoryRoot, "package.json"))).scripts ?? {};
    let checked = 0;
    for (const doc of shippedDocs) {
      const text = await readFile(path.join(packageRoot, doc), "utf8");
      for (const paragraph of paragraphs(text)) {
        for (const [, script] of paragraph.matchAll(/npm run ([\w:-]+)/g)) {
          checked += 1;
          const files = (own[script!] ?? "").split(/\s+/).filter((word) => /\.(ts|js|mjs)$/.test(word));
          const runsInstalled = own[script!] !== undefined && files.every((file) => shipped.includes(file));
          if (runsInstalled) continue;
          expect(repository, `${doc}: npm run ${script} is no script of the repository`).toHaveProperty([
            script!,
          ]);
          expect(paragraph, `${doc}: npm run ${script} fails in an install; say it runs in a clone`).toMatch(
            /\bin a clone\b/,
          );
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});
