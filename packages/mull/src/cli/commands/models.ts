import { Command } from "@commander-js/extra-typings";
import { MullError } from "../../errors/index.ts";

/** `mull models`: the embedded lab models with family, size and card summary. */
export function modelsCommand() {
  return new Command("models")
    .description("List the embedded lab models with their family, size and model-card summary.")
    .option("--json", "print the list as JSON")
    .action(async (flags) => {
      let embedded: typeof import("@mull/llama-cpp");
      try {
        embedded = await import("@mull/llama-cpp");
      } catch (error) {
        throw new MullError(
          "listing embedded models needs the package @mull/llama-cpp (npm install @mull/llama-cpp)",
          { cause: error },
        );
      }
      const models = await embedded.labModels();
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(models, null, 2)}\n`);
        return;
      }
      for (const model of models) {
        const size =
          model.sizeBytes === undefined ? "missing" : `${(model.sizeBytes / 1_048_576).toFixed(2)} MiB`;
        const parameters = model.parameters === undefined ? "?" : model.parameters.toLocaleString("en-US");
        const name = model.name.padEnd(Math.max(12, ...models.map((item) => item.name.length + 1)));
        const family = (model.family ?? "").padEnd(3);
        process.stdout.write(
          `${name} ${family} ${parameters.padStart(9)} params  ${size.padStart(9)}  ${model.summary ?? ""}\n`,
        );
      }
    });
}
