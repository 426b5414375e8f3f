import { readFileSync } from "node:fs";

let cached: string | undefined;

/** The version of the `mull` package, read once from its package.json (`0.0.0` when it cannot be read). */
export function packageVersion(): string {
  if (cached !== undefined) return cached;
  try {
    const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version?: unknown;
    };
    cached = typeof manifest.version === "string" ? manifest.version : "0.0.0";
  } catch {
    cached = "0.0.0";
  }
  return cached;
}
