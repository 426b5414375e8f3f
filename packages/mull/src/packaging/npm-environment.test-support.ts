import path from "node:path";

/**
 * The environment of the npm commands the packaging tests run: the tests' own Node first on PATH, no
 * settings inherited from a parent npm (but its cache, user config and registry), offline, and
 * node-llama-cpp's binary download skipped.
 */
export function npmEnvironment(): NodeJS.ProcessEnv {
  const kept = Object.entries(process.env).filter(
    ([name]) => !/^npm_/i.test(name) || /^npm_config_(cache|userconfig|registry)$/i.test(name),
  );
  const result: NodeJS.ProcessEnv = Object.fromEntries(kept);
  delete result.NODE_OPTIONS;
  result.PATH = [path.dirname(process.execPath), process.env.PATH ?? ""].join(path.delimiter);
  result.NODE_LLAMA_CPP_SKIP_DOWNLOAD = "true";
  result.npm_config_update_notifier = "false";
  result.npm_config_offline = "true";
  return result;
}
