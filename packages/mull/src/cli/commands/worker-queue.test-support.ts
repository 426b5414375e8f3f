import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { Queue } from "bullmq";
import { afterEach, beforeEach } from "vitest";
import { seededRng } from "../../runtime/index.ts";
import type { FakeHandler, FakeOpenAIRequest, FakeReply } from "../../testing/fake-openai-server.ts";
import { type MullProcess, startMull, waitFor } from "./mull-process.test-support.ts";

/** The question of every problem in a sums dataset. */
export const sumQuestionPattern = /What is (\d+) plus (\d+)\?/;

/**
 * The fake upstream's reply to a sums question: right unless the first operand is a multiple of 3 (a
 * function of the prompt only, so two runs agree), after 60 ms, so that workers overlap; "ok" otherwise.
 */
export function sumReply(request: FakeOpenAIRequest): FakeReply {
  const match = sumQuestionPattern.exec(request.prompt);
  const choices = Array.from({ length: request.n }, () => {
    if (match === null) return "ok";
    const truth = Number(match[1]) + Number(match[2]);
    return `We add them.\n#### ${Number(match[1]) % 3 === 0 ? truth + 1 : truth}`;
  });
  return { choices, delivery: { headerDelayMilliseconds: 60 } };
}

/** A gate before the fake upstream's replies to sums questions: while it is shut, they wait at it. */
export interface UpstreamGate {
  /** The fake server's handler: `reply`'s answer, once the gate is open. */
  readonly handler: FakeHandler;
  /** Sums requests that arrived at the gate since it was last shut (each is a worker mid-job). */
  readonly held: number;
  /** Holds every sums request from now on. */
  shut(): void;
  /** Lets the held requests and every later one through. */
  open(): void;
}

/**
 * A gate before `reply` (open at first): a test shuts it to know which jobs are mid-call, e.g. to kill a
 * worker while every one of its jobs waits on the upstream.
 */
export function upstreamGate(reply: FakeHandler): UpstreamGate {
  let gate: { readonly passed: Promise<void>; readonly open: () => void } | undefined;
  let held = 0;
  return {
    async handler(request) {
      if (gate !== undefined && sumQuestionPattern.test(request.prompt)) {
        held += 1;
        await gate.passed;
      }
      return reply(request);
    },
    get held() {
      return held;
    },
    shut() {
      if (gate !== undefined) return;
      let open: () => void = () => undefined;
      const passed = new Promise<void>((resolve) => {
        open = resolve;
      });
      gate = { passed, open };
      held = 0;
    },
    open() {
      gate?.open();
      gate = undefined;
    },
  };
}

/**
 * Writes `count` sums problems (`sum-0`, `sum-1`, …, operands below 500 drawn from `seed`) to a JSONL
 * dataset file, and returns its lines.
 */
export function writeSumsDataset(file: string, count: number, seed: number): string[] {
  const rng = seededRng(seed);
  const lines = Array.from({ length: count }, (_, index) => {
    const a = Math.floor(rng.next() * 500);
    const b = Math.floor(rng.next() * 500);
    return JSON.stringify({ id: `sum-${index}`, question: `What is ${a} plus ${b}?`, answer: String(a + b) });
  });
  writeFileSync(file, `${lines.join("\n")}\n`);
  return lines;
}

/** The `mull bench` arguments of a greedy run of `dataset` against `baseUrl`, written to `out`. */
export function sumsBenchArguments(dataset: string, baseUrl: string, out: string): string[] {
  return [
    "bench",
    "--dataset",
    dataset,
    "--strategies",
    "greedy",
    "--base-url",
    baseUrl,
    "--max-tokens",
    "32",
    "--seed",
    "4",
    "--out",
    out,
  ];
}

/** A BullMQ queue fresh for each test, and the `mull` processes started on it. */
export interface WorkerQueue {
  /** This test's queue name (`mull-test-<hex>`), so tests sharing one Redis never meet. */
  readonly name: string;
  /** The workers started in this test, in order. */
  readonly workers: MullProcess[];
  /** Starts `mull worker` on the queue (short lock and stalled-check times), with `extra` arguments. */
  start(concurrency: number, extra?: readonly string[]): MullProcess;
  /**
   * Starts `mull ARGS` (e.g. `mull bench … --queue URL --wait`), killed (-9) after the test if it still
   * runs: a test that fails or times out leaves no process waiting for ever.
   */
  spawn(args: readonly string[]): MullProcess;
  /** Runs `mull ARGS` to its end, as `spawn` starts it (killed after a test that ended first). */
  run(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/**
 * Gives each test of the calling `describe` block its own queue on `redisUrl` (`beforeEach`), and after
 * each kills every `mull` process it started that still runs, workers or not (-9), and obliterates the
 * queue (`afterEach`).
 */
export function workerQueue(redisUrl: string): WorkerQueue {
  let name = "";
  const workers: MullProcess[] = [];
  /** Every process started in this test, the workers among them. */
  const started: MullProcess[] = [];
  const spawn = (args: readonly string[]): MullProcess => {
    const running = startMull(args);
    started.push(running);
    return running;
  };
  beforeEach(() => {
    name = `mull-test-${randomBytes(6).toString("hex")}`;
  });
  afterEach(async () => {
    workers.splice(0);
    for (const running of started.splice(0)) {
      // Exited or killed already: `exitCode` stays null after a signal, `signalCode` tells.
      const { child } = running;
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await running.exited;
    }
    const queue = new Queue(name, { connection: { url: redisUrl, maxRetriesPerRequest: null } });
    await queue.obliterate({ force: true });
    await queue.close();
  });
  return {
    get name() {
      return name;
    },
    workers,
    spawn,
    async run(args) {
      const running = spawn(args);
      const code = await running.exited;
      return { code, ...running.output };
    },
    start(concurrency, extra = []) {
      const worker = spawn([
        "worker",
        "--queue",
        redisUrl,
        "--queue-name",
        name,
        "--concurrency",
        String(concurrency),
        "--lock-duration",
        "3000",
        "--stalled-interval",
        "1000",
        ...extra,
      ]);
      workers.push(worker);
      return worker;
    },
  };
}

/** What `killWorkersMidCall` needs: the live workers, how to start one, the gate and the counts it watches. */
export interface KillMidCallOptions {
  readonly workers: readonly MullProcess[];
  /** Starts a replacement worker of `concurrency` slots. */
  readonly startWorker: (concurrency: number) => unknown;
  readonly concurrency: number;
  /** Live workers at any time (each kill is followed by a replacement). */
  readonly workerCount: number;
  readonly gate: UpstreamGate;
  /** Rows stored so far in the run. */
  readonly rows: () => number | Promise<number>;
  /** Upstream calls the clients aborted so far, from zero at the call. */
  readonly aborted: () => number;
  /** Row counts at which to kill, early enough that the gate can still hold every live worker's slots. */
  readonly thresholds: readonly number[];
}

/**
 * Kills one worker (-9) at each threshold while every slot of every live worker is held at the upstream,
 * so the victim dies mid-call: waits until its `concurrency` calls are aborted, starts a replacement and
 * lets the upstream answer again. Returns the kills made.
 */
export async function killWorkersMidCall(options: KillMidCallOptions): Promise<number> {
  const { gate, concurrency } = options;
  let kills = 0;
  try {
    for (const threshold of options.thresholds) {
      await waitFor(async () => (await options.rows()) >= threshold, `${threshold} rows`);
      gate.shut();
      await waitFor(
        () => gate.held === options.workerCount * concurrency,
        "every worker's jobs at the upstream",
      );
      // A worker killed by a signal keeps `exitCode` null: it is `signalCode` that tells it is gone.
      const victim = options.workers.find(
        (worker) => worker.child.exitCode === null && worker.child.signalCode === null,
      );
      if (victim === undefined) throw new Error("no live worker to kill");
      victim.child.kill("SIGKILL");
      await victim.exited;
      kills += 1;
      await waitFor(() => options.aborted() === concurrency * kills, "the killed worker's calls to end");
      options.startWorker(concurrency);
      gate.open();
    }
  } finally {
    gate.open();
  }
  return kills;
}
