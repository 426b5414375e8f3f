import type {
  CircuitAdmission,
  CircuitPermit,
  CircuitSettings,
  CircuitState,
  UpstreamCircuit,
} from "../upstreams/index.ts";
import type { RedisScript, RunRedisScript } from "./redis-script.ts";

/**
 * One step of a shared circuit, atomically. KEYS[1] the circuit's hash; ARGV operation (`state`,
 * `acquire`, `release`, `record`), now (ms), failure threshold, cooldown (ms), trial lease (ms), and the
 * trial number (`release`) or verdict (`record`). Replies `{state, admitted, trialNumber, retryAfterMs}`.
 * The rules are `createCircuitBreaker`'s; a trial slot also frees itself when its lease runs out, so a
 * replica that dies mid-trial does not keep the circuit half-open for ever.
 */
const circuitScript: RedisScript = {
  name: "mullUpstreamCircuit",
  keys: 1,
  lua: `
local key = KEYS[1]
local op = ARGV[1]
local now = tonumber(ARGV[2])
local threshold = tonumber(ARGV[3])
local cooldown = tonumber(ARGV[4])
local lease = tonumber(ARGV[5])
local fields = redis.call('HMGET', key, 'state', 'failures', 'openedAt', 'trialHeld', 'trialNumber', 'trialUntil')
local state = fields[1] or 'closed'
local failures = tonumber(fields[2]) or 0
local openedAt = tonumber(fields[3]) or 0
local trialHeld = fields[4] == '1'
local trialNumber = tonumber(fields[5]) or 0
local trialUntil = tonumber(fields[6]) or 0
local function stamp(value) return string.format('%d', value) end
if state == 'open' and now - openedAt >= cooldown then
  state = 'half-open'
  trialHeld = false
  redis.call('HSET', key, 'state', state, 'trialHeld', '0')
end
if state == 'half-open' and trialHeld and now >= trialUntil then
  trialHeld = false
  redis.call('HSET', key, 'trialHeld', '0')
end
local function open()
  state = 'open'
  openedAt = now
  trialHeld = false
  redis.call('HSET', key, 'state', 'open', 'openedAt', stamp(now), 'trialHeld', '0')
end
local function retryAfter()
  if state == 'open' then return math.max(0, openedAt + cooldown - now) end
  if state == 'half-open' and trialHeld then return 1000 end
  return 0
end
if op == 'acquire' then
  if state == 'closed' then return {state, 1, 0, 0} end
  if state == 'half-open' and not trialHeld then
    trialNumber = trialNumber + 1
    redis.call('HSET', key, 'trialHeld', '1', 'trialNumber', trialNumber, 'trialUntil', stamp(now + lease))
    return {state, 1, trialNumber, 0}
  end
  return {state, 0, 0, retryAfter()}
elseif op == 'release' then
  if state == 'half-open' and trialHeld and tonumber(ARGV[6]) == trialNumber then
    redis.call('HSET', key, 'trialHeld', '0')
  end
elseif op == 'record' then
  local verdict = ARGV[6]
  if state == 'half-open' then
    if verdict == 'success' then
      state = 'closed'
      redis.call('HSET', key, 'state', 'closed', 'failures', 0, 'trialHeld', '0')
    else
      open()
    end
  elseif state == 'closed' then
    if verdict == 'success' then
      if failures > 0 then redis.call('HSET', key, 'failures', 0) end
    else
      failures = failures + 1
      redis.call('HSET', key, 'failures', failures)
      if failures >= threshold then open() end
    end
  end
end
return {state, 0, 0, retryAfter()}
`,
};

/** Options of `redisCircuit`. */
export interface RedisCircuitOptions {
  readonly run: RunRedisScript;
  /** Prefix of every key, e.g. `mull:`. */
  readonly prefix: string;
  /** The upstream's configured name: replicas share the circuit of the same name. */
  readonly upstream: string;
  readonly settings: CircuitSettings;
  /** Wall clock in milliseconds (cooldowns are compared across replicas). */
  readonly now: () => number;
}

type CircuitReply = [CircuitState, number, number, number];

/**
 * An upstream's circuit breaker kept in Redis (`<prefix>circuit:<upstream>`), shared by every replica
 * with the same Redis and prefix: failures counted by any replica open it for all of them, and after the
 * cooldown exactly one request, on one replica, is let through as the trial. Each step is one Lua script.
 * Every method rejects with `StateStoreUnavailableError` when Redis cannot be reached, except a permit's
 * `release`, which never rejects (the trial's lease frees its slot).
 *
 * @example
 * const circuit = redisCircuit({ run, prefix: "mull:", upstream: "vllm", settings, now: Date.now });
 * const admission = await circuit.tryAcquire();
 */
export function redisCircuit(options: RedisCircuitOptions): UpstreamCircuit {
  const { run, settings, now } = options;
  const key = `${options.prefix}circuit:${options.upstream}`;
  const step = async (operation: string, extra: string | number = "") =>
    (await run(
      circuitScript,
      [key],
      [
        operation,
        now(),
        settings.failureThreshold,
        settings.cooldownMilliseconds,
        settings.trialLeaseMilliseconds,
        extra,
      ],
    )) as CircuitReply;
  const unrestricted: CircuitPermit = { trial: false, release: () => undefined };
  return {
    state: async () => (await step("state"))[0],
    async tryAcquire(): Promise<CircuitAdmission> {
      const [state, admitted, trialNumber, retryAfterMilliseconds] = await step("acquire");
      if (admitted === 0) return { permit: undefined, retryAfterMilliseconds };
      if (state === "closed") return { permit: unrestricted };
      return {
        permit: {
          trial: true,
          async release() {
            try {
              await step("release", trialNumber);
            } catch {
              // The trial's lease frees the slot.
            }
          },
        },
      };
    },
    allowsCall: async () => (await step("state"))[0] !== "open",
    retryAfterMilliseconds: async () => (await step("state"))[3],
    async record(verdict) {
      if (verdict === "neutral") return;
      await step("record", verdict);
    },
  };
}
