import { describe, expect, it } from "vitest";
import { thrownConfigError } from "../runtime/rejection.test-support.ts";
import { standInBackend } from "../strategies/stand-in-dependencies.ts";
import { createScriptedBackend } from "../testing/index.ts";
import { cascade } from "./cascade.ts";
import { glimpseRouter } from "./glimpse-router.ts";
import {
  refuseRepeatedModels,
  refuseRepeatedRouteModel,
  repeatedRouteRefusal,
} from "./refuse-repeated-models.ts";
import { routeEnds } from "./route-ends.ts";

const small = createScriptedBackend({ model: "lab-v2-small", responses: ["#### 1"] });
const large = createScriptedBackend({ model: "lab-v2-large", responses: ["#### 1"] });

describe("repeatedRouteRefusal", () => {
  it("says nothing of a route of different models, names compared as written", () => {
    expect(repeatedRouteRefusal(["a", "b", "c"], { field: "--route" })).toBeUndefined();
    expect(repeatedRouteRefusal(["Qwen", "qwen"], { field: "--route" })).toBeUndefined();
  });

  it("names the field, the route as written, what it belongs to and the first model named twice", () => {
    expect(repeatedRouteRefusal(["a", "b", "b", "a"], { field: "--route", owner: 'of "auto"' })).toBe(
      '--route: the route "a>b>b>a" of "auto" names "b" twice; expected a different model at each place of the route',
    );
    expect(repeatedRouteRefusal(["a", "a"], { field: "routes[0].models", written: '["a","a"]' })).toBe(
      'routes[0].models: the route ["a","a"] names "a" twice; expected a different model at each place of the route',
    );
  });

  it("is thrown as a ConfigError of the route's field by refuseRepeatedRouteModel", () => {
    const error = thrownConfigError(() =>
      refuseRepeatedRouteModel(["a", "a"], { field: "strategy", owner: 'of "cascade@8"' }),
    );
    expect([error.field, error.message]).toEqual([
      "strategy",
      'strategy: the route "a>a" of "cascade@8" names "a" twice; expected a different model at each place of the route',
    ]);
    expect(() => refuseRepeatedRouteModel(["a", "b"], { field: "strategy" })).not.toThrow();
  });
});

describe("refuseRepeatedModels", () => {
  it("passes a route of different models", () => {
    expect(() =>
      refuseRepeatedModels("cascade", [
        { name: "lab-v2-small", backend: small },
        { name: "lab-v2-large", backend: large },
      ]),
    ).not.toThrow();
  });

  it("refuses one backend under two names, naming both places", () => {
    const error = thrownConfigError(() =>
      refuseRepeatedModels("cascade", [
        { name: "a", backend: large },
        { name: "b", backend: large },
      ]),
    );
    expect([error.field, error.message]).toEqual([
      "models",
      'cascade: models[1] ("b") has the backend of models[0] ("a"); expected a different model at each place of the route, smallest first',
    ]);
  });

  it("refuses one name twice, even on two backends", () => {
    expect(() =>
      refuseRepeatedModels("router", [
        { name: "a", backend: small },
        { name: "a", backend: large },
      ]),
    ).toThrow(
      'router: models: the route "a>a" names "a" twice; expected a different model at each place of the route',
    );
  });

  it("does not compare stand-ins, which stand for models not loaded yet", () => {
    expect(() =>
      refuseRepeatedModels("cascade", [
        { name: "a", backend: standInBackend },
        { name: "b", backend: standInBackend },
      ]),
    ).not.toThrow();
  });
});

describe("factories given one model twice", () => {
  it.each([
    [
      "cascade",
      () =>
        cascade({
          models: [
            { name: "lab-v2-large", backend: large },
            { name: "again", backend: large },
          ],
          small: 4,
        }),
    ],
    [
      "glimpseRouter",
      () =>
        glimpseRouter({
          models: [
            { name: "x", backend: small },
            { name: "y", backend: small },
          ],
          threshold: 0.5,
        }),
    ],
    [
      "massCascade (routeEnds)",
      () =>
        routeEnds("massCascade", [
          { name: "x", backend: small },
          { name: "x", backend: large },
        ]),
    ],
  ])("%s refuses the route", (_, work) => {
    const error = thrownConfigError(work);
    expect(error.field).toBe("models");
    expect(error.message).toMatch(/models.*expected a different model at each place of the route/);
  });
});
