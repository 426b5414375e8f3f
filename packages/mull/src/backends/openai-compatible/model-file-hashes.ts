import { stat } from "node:fs/promises";
import { fileSha256 } from "../../runtime/index.ts";

/** Files up to this size are hashed before `hash` resolves; bigger ones in the background, as the embedded backend does. */
const largestHashedAtOnce = 256 * 1024 * 1024;

/** Settings of `createModelFileHashes`. */
export interface ModelFileHashesSettings {
  /** The backend's lifetime: when it ends, the hashing still going stops. */
  readonly signal?: AbortSignal | undefined;
  /** Bytes up to which a file is hashed before `hash` resolves; default 256 MiB. */
  readonly hashedAtOnce?: number | undefined;
}

/**
 * The hashes of the model files a backend's server reports, each file hashed once (`fileSha256`, streamed).
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
  const { signal, hashedAtOnce = largestHashedAtOnce } = settings;
  const hashing = new Map<string, Promise<string | undefined>>();
  const hashed = new Map<string, string>();

  const start = async (file: string): Promise<string | undefined> => {
    const found = await stat(file).catch(() => undefined);
    if (found === undefined || !found.isFile()) return undefined;
    const done = fileSha256(file, signal).then(
      (hex) => {
        const hash = `sha256:${hex}`;
        hashed.set(file, hash);
        return hash;
      },
      () => undefined,
    );
    return found.size <= hashedAtOnce ? done : undefined;
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
    known: (file) => hashed.get(file),
  };
}
