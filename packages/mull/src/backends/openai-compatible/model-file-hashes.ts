import { type ModelFileHash, modelFileHash } from "../../runtime/index.ts";

/** Settings of `createModelFileHashes`. */
export interface ModelFileHashesSettings {
  /** The backend's lifetime: when it ends, the hashing still going stops. */
  readonly signal?: AbortSignal | undefined;
  /** Bytes up to which a file is hashed before `hash` resolves; default 256 MiB (`modelFileHashedAtOnce`). */
  readonly hashedAtOnce?: number | undefined;
}

/**
 * The hashes of the model files a backend's server reports, each file hashed once (`modelFileHash`).
 * A hash is of the local file at the path the server gave: it names the server's model only where the
 * server runs on this machine and reads the same file.
 */
export interface ModelFileHashes {
  /**
   * `sha256:<hex>` of the local file at `file`: hashed on the first call, shared by later ones. Resolves
   * once hashed for a file up to 256 MiB (`hashedAtOnce`); for a bigger one at once, `undefined` while it is hashed in the
   * background (`known` then tells it). `undefined`, never an error, for a path that is not a readable
   * regular file here (missing, a folder, unreadable), and after `signal` aborts.
   */
  hash(file: string): Promise<string | undefined>;
  /** The hash of the local file at `file` once it was hashed, else `undefined`. */
  known(file: string): string | undefined;
}

/**
 * The model file hashes of one backend (`ModelFileHashes`).
 *
 * @example
 * const hashes = createModelFileHashes({ signal: lifetime });
 * await hashes.hash("/models/lab-large.gguf"); // "sha256:e632…"
 */
export function createModelFileHashes(settings: ModelFileHashesSettings = {}): ModelFileHashes {
  const hashing = new Map<string, Promise<string | undefined>>();
  const started = new Map<string, ModelFileHash>();

  const start = async (file: string): Promise<string | undefined> => {
    const modelHash = await modelFileHash(file, settings);
    started.set(file, modelHash);
    return modelHash.hash;
  };

  return {
    hash(file) {
      let pending = hashing.get(file);
      if (pending === undefined) {
        pending = start(file);
        hashing.set(file, pending);
      }
      return pending;
    },
    known: (file) => started.get(file)?.known(),
  };
}
