/**
 * The lab model that a served model's name or a GGUF file's path stands for, or `undefined` for any other
 * model. A name counts as the lab's when it starts with `lab-` (`lab-large`, `lab-v2-small`, as the embedded
 * backend and `llama-server --alias lab-large` name them); a path when its file name does, once the
 * directories and the `.gguf` extension are stripped (`llama-server` without `--alias` names its model by
 * the path it was given). A path with directories counts only as a `.gguf` file: a repository-style name such
 * as `acme/lab-assistant` is some other model.
 *
 * @example
 * labModelName("lab-large"); // "lab-large"
 * labModelName("/srv/models/lab-large.gguf"); // "lab-large"
 * labModelName("qwen2.5-7b"); // undefined
 */
export function labModelName(model: string): string | undefined {
  const file = model.split(/[/\\]/).at(-1) ?? "";
  const gguf = /\.gguf$/i.test(file);
  if (file !== model && !gguf) return undefined;
  const name = gguf ? file.slice(0, -".gguf".length) : file;
  return /^lab-./.test(name) ? name : undefined;
}
