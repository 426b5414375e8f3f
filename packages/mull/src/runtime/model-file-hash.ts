import { stat } from "node:fs/promises";
import { fileSha256 } from "./file-sha256.ts";

/** Files up to this size (256 MiB) are hashed before `modelFileHash` resolves; bigger ones in the background. */
export const modelFileHashedAtOnce = 256 * 1024 * 1024;

/** Settings of `modelFileHash`. */
export interface ModelFileHashSettings {
  /** Stops the hashing still going: the file then has no hash. */
  readonly signal?: AbortSignal | undefined;
  /** Bytes up to which a file is hashed before `modelFileHash` resolves; default 256 MiB (`modelFileHashedAtOnce`). */
  readonly hashedAtOnce?: number | undefined;
}

/** The hash of a model file, known at once or once its background hashing ends. */
export interface ModelFileHash {
  /**
   * `sha256:<hex>` of the file when it was hashed before `modelFileHash` resolved (a file up to
   * `hashedAtOnce` bytes); `undefined` for a bigger one (`known` tells it later), for a path that is not a
   * readable regular file, and after `signal` aborted.
   */
  readonly hash: string | undefined;
  /** `sha256:<hex>` of the file once it was hashed, else `undefined` (still hashing, unreadable, aborted). */
  known(): string | undefined;
}

const unhashed: ModelFileHash = { hash: undefined, known: () => undefined };

/**
 * Hashes the local model file at `file` (`fileSha256`, streamed): resolves once hashed for a file up to
 * `hashedAtOnce` bytes (256 MiB), at once for a bigger one, hashed in the background. Never rejects: a path
 * that is not a readable regular file (missing, a folder, unreadable), or a hashing that fails or is
 * aborted, gives no hash.
 *
 * @example
 * const modelHash = await modelFileHash("models/lab-small.gguf");
 * modelHash.hash; // "sha256:e632…"
 */
export async function modelFileHash(
  file: string,
  settings: ModelFileHashSettings = {},
): Promise<ModelFileHash> {
  const { signal, hashedAtOnce = modelFileHashedAtOnce } = settings;
  const found = await stat(file).catch(() => undefined);
  if (found === undefined || !found.isFile()) return unhashed;
  let hashed: string | undefined;
  const hashing = fileSha256(file, signal).then(
    (hex) => {
      hashed = `sha256:${hex}`;
      return hashed;
    },
    () => undefined,
  );
  const known = () => hashed;
  return found.size <= hashedAtOnce ? { hash: await hashing, known } : { hash: undefined, known };
}
