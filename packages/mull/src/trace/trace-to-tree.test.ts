import { describe, expect, it } from "vitest";
import { manualClock } from "../runtime/index.ts";
import { createTracer } from "./create-tracer.ts";
import { traceToTree } from "./trace-to-tree.ts";

describe("traceToTree", () => {
  it("nests events under their parents and keeps orphans as roots", () => {
    const tracer = createTracer(manualClock());
    const run = tracer.record({
      type: "run-start",
      parentId: undefined,
      strategy: "s",
      parameters: {},
      question: "q",
    });
    const first = tracer.record({ type: "note", parentId: run, message: "a" });
    tracer.record({ type: "note", parentId: first, message: "a.1" });
    tracer.record({ type: "note", parentId: run, message: "b" });
    tracer.record({ type: "note", parentId: "n99", message: "orphan" });
    const tree = traceToTree(tracer.events());
    expect(tree.map((node) => node.event.id)).toEqual(["n1", "n5"]);
    expect(tree[0]!.children.map((node) => node.event.id)).toEqual(["n2", "n4"]);
    expect(tree[0]!.children[0]!.children.map((node) => node.event.id)).toEqual(["n3"]);
  });
});
