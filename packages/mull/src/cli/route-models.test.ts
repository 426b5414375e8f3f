import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { defaultModelProfile } from "../generation/index.ts";
import { sized } from "../routing/sized-backend.test-support.ts";
import { rejection } from "../runtime/rejection.test-support.ts";
import { createScriptedBackend, startFakeOpenAIServer } from "../testing/index.ts";
import type { ResolvedBackend } from "./create-backend.ts";
import { labModelsUnderTest } from "./lab-models-under-test.test-support.ts";
import { loadRouteModels } from "./route-models.ts";
import { UsageError } from "./usage-error.ts";

const lab = labModelsUnderTest(["lab-v2-small", "lab-small"]);
if (lab.missing !== undefined) console.log(lab.missing);

/** A main backend that stands for `model` (scripted: nothing here generates with it). */
function mainBackend(model: string): ResolvedBackend {
  return {
    backend: createScriptedBackend({ responses: ["#### 1"], model }),
    model,
    profile: defaultModelProfile,
    dispose: async () => {},
  };
}

describe("loadRouteModels without --small-model", () => {
  it.skipIf(!lab.present)(
    "routes an embedded lab model's routing specs from its family's small model, v2 and v1",
    async () => {
      for (const [large, small] of [
        ["lab-v2-large", "lab-v2-small"],
        ["lab-large", "lab-small"],
      ] as const) {
        const routes = await loadRouteModels({
          flags: { threads: 1 },
          main: mainBackend(large),
          specs: ["bild@0.7x0.1"],
          specFlag: "--strategy",
        });
        try {
          expect(routes.defaultRoute).toEqual([small, large]);
          expect(routes.loaded).toEqual([small]);
          expect(routes.resolveModel(small).describe().model).toMatch(new RegExp(`${small}(\\.gguf)?$`));
        } finally {
          await routes.dispose();
        }
      }
    },
  );

  it("keeps --small-model over the family's default, and names no default where there is none", async () => {
    const given = await loadRouteModels({
      flags: { baseUrl: "http://127.0.0.1:9/v1" },
      main: mainBackend("lab-v2-large"),
      specs: ["cascade@4"],
      smallModel: "lab-small",
      specFlag: "--strategy",
    });
    expect(given.defaultRoute).toEqual(["lab-small", "lab-v2-large"]);
    await given.dispose();
    // Over HTTP the server's models are its own: no family default.
    const http = await loadRouteModels({
      flags: { baseUrl: "http://127.0.0.1:9/v1" },
      main: mainBackend("lab-v2-large"),
      specs: ["cascade@4"],
      specFlag: "--strategy",
    });
    expect(http.defaultRoute).toBeUndefined();
    // The family's smallest model and a model of no lab family.
    for (const [model, spec] of [
      ["lab-v2-small", "cascade@4"],
      ["/models/other.gguf", "cascade@4"],
    ] as const) {
      const routes = await loadRouteModels({
        flags: {},
        main: mainBackend(model),
        specs: [spec],
        specFlag: "--strategy",
      });
      expect(routes.defaultRoute).toBeUndefined();
      expect(routes.loaded).toEqual([]);
    }
  });
});

describe.skipIf(!lab.present)("loadRouteModels with every routing spec named", () => {
  it("loads the route's models and no family default", async () => {
    const routes = await loadRouteModels({
      flags: { threads: 1 },
      main: mainBackend("lab-v2-large"),
      specs: ["cascade@4:lab-v2-small>lab-v2-large"],
      specFlag: "--strategy",
    });
    try {
      expect(routes.defaultRoute).toBeUndefined();
      expect(routes.loaded).toEqual(["lab-v2-small"]);
    } finally {
      await routes.dispose();
    }
  });
});

describe.skipIf(!lab.present)("loadRouteModels checking --small-model against --model, embedded", () => {
  /** The usage error `loadRouteModels` fails with. */
  async function refusal(main: ResolvedBackend, smallModel: string): Promise<UsageError> {
    const error: unknown = await loadRouteModels({
      flags: { threads: 1 },
      main,
      specs: ["cascade@4"],
      smallModel,
      specFlag: "--strategy",
    }).then(
      async (routes) => {
        await routes.dispose();
        return undefined;
      },
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }

  it("refuses a --small-model larger than --model, naming the two flags rather than --strategy", async () => {
    const small = mainBackend("lab-v2-small");
    const main = {
      ...small,
      backend: sized(createScriptedBackend({ responses: ["x"], model: "lab-v2-small" }), 117_952),
    };
    const error = await refusal(main, "lab-v2-large");
    expect(error.field).toBe("--small-model");
    expect(error.message).toMatch(
      /^--small-model lab-v2-large \(2,\d{3},\d{3} parameters\) is larger than --model lab-v2-small \(117,952 parameters\); .* swap them \(--small-model lab-v2-small --model lab-v2-large\)$/,
    );
  });

  it("refuses the default model's own file as --small-model, by the file both load", async () => {
    const file = fileURLToPath(new URL("../../../llama-cpp/models/lab-v2-large.gguf", import.meta.url));
    const error = await refusal(mainBackend("lab-v2-large"), file);
    expect(error.field).toBe("--small-model");
    expect(error.message).toBe(
      `--small-model ${file} is the model of --model lab-v2-large (both load ${file}); a route needs two ` +
        "different models: give --small-model a smaller model",
    );
  });
});

describe("loadRouteModels refusing what would be ignored or route nowhere", () => {
  /** The usage error `loadRouteModels` fails with, over HTTP so that nothing is loaded. */
  async function refusal(options: {
    model?: string;
    specs: readonly string[];
    smallModel?: string;
    specFlag?: string;
  }): Promise<{ message: string; field: string | undefined }> {
    const error: unknown = await loadRouteModels({
      flags: { baseUrl: "http://127.0.0.1:9/v1" },
      main: mainBackend(options.model ?? "lab-v2-large"),
      specs: options.specs,
      smallModel: options.smallModel,
      specFlag: options.specFlag ?? "--strategy",
    }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(UsageError);
    return { message: (error as UsageError).message, field: (error as UsageError).field };
  }

  it("refuses --small-model when every routing spec names its own route, naming those specs", async () => {
    const refused = await refusal({
      specs: ["sc@4", "cascade@4:lab-v2-small>lab-v2-large", "glimp@0.5:lab-small>lab-large"],
      smallModel: "lab-small",
      specFlag: "--strategies",
    });
    expect(refused.field).toBe("--small-model");
    expect(refused.message).toBe(
      "--small-model lab-small applies to routing strategies written without a route, and every routing spec " +
        "of --strategies names its own: cascade@4:lab-v2-small>lab-v2-large, glimp@0.5:lab-small>lab-large",
    );
  });

  it("keeps --small-model when one routing spec is left without a route", async () => {
    const routes = await loadRouteModels({
      flags: { baseUrl: "http://127.0.0.1:9/v1" },
      main: mainBackend("lab-v2-large"),
      specs: ["cascade@4:lab-v2-small>lab-v2-large", "cascade@8"],
      smallModel: "lab-small",
      specFlag: "--strategies",
    });
    expect(routes.defaultRoute).toEqual(["lab-small", "lab-v2-large"]);
    expect(routes.loaded).toEqual(["lab-v2-small", "lab-small"]);
    await routes.dispose();
  });

  it("refuses a route that names one model twice, naming the flag, the route and the model", async () => {
    // An allocation's route, which the bench plan reads only once the models have loaded.
    const refused = await refusal({
      specs: ["alloc@4p2:lab-v2-small>lab-v2-small"],
      specFlag: "--strategies",
    });
    expect(refused.field).toBe("--strategies");
    expect(refused.message).toBe(
      '--strategies: the route "lab-v2-small>lab-v2-small" of "alloc@4p2" names "lab-v2-small" twice; ' +
        "expected a different model at each place of the route",
    );
    const small = await refusal({ specs: ["cascade@8"], smallModel: "lab-v2-large" });
    expect(small.field).toBe("--small-model");
    expect(small.message).toBe(
      '--small-model: the route "lab-v2-large>lab-v2-large" (--small-model>--model) names "lab-v2-large" ' +
        "twice; expected a different model at each place of the route",
    );
  });

  it("lists the lab models once for a name that is none of them", async () => {
    for (const [options, field] of [
      [
        { specs: ["cascade@8:nosuch>lab-v2-large"] },
        '--strategy cascade@8:nosuch>lab-v2-large: cannot load model "nosuch"',
      ],
      [{ specs: ["cascade@8"], smallModel: "nosuch" }, '--small-model: cannot load model "nosuch"'],
      [{ specs: ["gen@4(nosuch)"] }, '--strategy gen@4(nosuch): cannot load model "nosuch"'],
    ] as const) {
      const error: unknown = await loadRouteModels({
        flags: { threads: 1 },
        main: mainBackend("lab-v2-large"),
        specFlag: "--strategy",
        ...options,
      }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(UsageError);
      const message = (error as Error).message;
      expect(message).toContain(
        `${field}: no lab model has that name; lab models: lab-v2-large, lab-v2-small, lab-large, lab-small, or a path`,
      );
      expect(message).toMatch(/, or a path to a \.gguf file$/);
      expect(message.match(/lab-small/g)).toHaveLength(1);
    }
  });
});

describe("loadRouteModels with an allocation over the batch", () => {
  it("loads the models an allocation's route names, and no default small model for one without", async () => {
    const routes = await loadRouteModels({
      flags: { baseUrl: "http://127.0.0.1:9/v1" },
      main: mainBackend("qwen-72b"),
      specs: ["sc@4", "alloc@4p2:qwen-7b>qwen-72b", "alloc@8"],
      specFlag: "--strategies",
    });
    try {
      expect(routes.loaded).toEqual(["qwen-7b"]);
      expect(routes.defaultRoute).toBeUndefined();
      expect(routes.resolveModel("qwen-7b").describe().model).toBe("qwen-7b");
      expect(routes.resolveModel("qwen-72b").describe().model).toBe("qwen-72b");
    } finally {
      await routes.dispose();
    }
  });
});

describe("loadRouteModels over HTTP", () => {
  it("checks each route model against what the server lists, as --model is, naming the flag that named it", async () => {
    const server = await startFakeOpenAIServer({ models: ["qwen-72b", "/models/qwen-7b.gguf"] });
    try {
      const routes = await loadRouteModels({
        flags: { baseUrl: server.url },
        main: mainBackend("qwen-72b"),
        specs: ["cascade@8"],
        smallModel: "qwen-7b",
        specFlag: "--strategy",
      });
      try {
        // A listed .gguf file's name without .gguf is sent as the server lists it.
        expect(routes.resolveModel("qwen-7b").describe().model).toBe("/models/qwen-7b.gguf");
      } finally {
        await routes.dispose();
      }
      const mistyped = await rejection(
        loadRouteModels({
          flags: { baseUrl: server.url },
          main: mainBackend("qwen-72b"),
          specs: ["cascade@8"],
          smallModel: "qwen-8b",
          specFlag: "--strategy",
        }),
      );
      expect(mistyped).toBeInstanceOf(UsageError);
      expect((mistyped as UsageError).message).toBe(
        `--small-model: ${server.url} does not serve "qwen-8b"; it serves qwen-72b, /models/qwen-7b.gguf`,
      );
      const routed = await rejection(
        loadRouteModels({
          flags: { baseUrl: server.url },
          main: mainBackend("qwen-72b"),
          specs: ["sc@4", "cascade@8:qwen-3b>qwen-72b"],
          specFlag: "--strategies",
        }),
      );
      expect((routed as UsageError).message).toBe(
        `--strategies cascade@8:qwen-3b>qwen-72b: ${server.url} does not serve "qwen-3b"; it serves qwen-72b, /models/qwen-7b.gguf`,
      );
      expect((routed as UsageError).field).toBe("--strategies");
    } finally {
      await server.close();
    }
  });
});
