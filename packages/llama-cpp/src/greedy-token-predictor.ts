import {
  type LlamaContextSequence,
  type SequenceEvaluateOptions,
  type Token,
  TokenPredictor,
} from "node-llama-cpp";

/** How often a wait for predictions asks the inner predictor again. */
const retryMilliseconds = 5;

/**
 * A token predictor that predicts for greedy evaluations only (temperature 0) and stays idle otherwise.
 *
 * Why: node-llama-cpp samples every predicted position it checks, so under temperature sampling the sampler's
 * random stream advances by however many predictions were checked, which a draft model running concurrently
 * makes timing-dependent: a seed would no longer fix a completion's text. Greedy sampling draws no randomness,
 * so checking predictions there changes only the speed. node-llama-cpp resets a sequence's predictor with the
 * evaluation's options before each evaluation, which is where this one decides.
 */
export class GreedyTokenPredictor extends TokenPredictor {
  readonly #inner: TokenPredictor;
  #active = false;

  constructor(inner: TokenPredictor) {
    super();
    this.#inner = inner;
  }

  override async reset(params: {
    targetSequence: LlamaContextSequence;
    stateTokens: Token[];
    evaluateOptions: Readonly<SequenceEvaluateOptions>;
  }): Promise<void> {
    // evaluateWithoutGeneratingNewTokens resets with no temperature: it samples nothing, so predict nothing.
    const active = params.evaluateOptions.temperature === 0;
    if (this.#active && !active) await this.#inner.stop();
    this.#active = active;
    if (active) await this.#inner.reset(params);
  }

  override pushTokens(tokens: Token[]): void {
    if (this.#active) this.#inner.pushTokens(tokens);
  }

  override predictTokens(): Token[] | Promise<Token[]> {
    if (!this.#active) return [];
    const predicted = this.#inner.predictTokens();
    if (!(predicted instanceof Promise)) return predicted;
    // node-llama-cpp 3.22.1's draft predictor can leave a waiting caller unwoken (its background run ends between
    // the caller's check and its wait), which hung parallel sequences: ask again until it answers.
    return new Promise<Token[]>((resolve, reject) => {
      let settled = false;
      const settle = (tokens: Token[]) => {
        if (settled) return;
        settled = true;
        clearInterval(retry);
        resolve(tokens);
      };
      const retry = setInterval(() => {
        try {
          const again = this.#inner.predictTokens();
          if (again instanceof Promise) again.then(settle, () => undefined);
          else settle(again);
        } catch (error) {
          clearInterval(retry);
          if (!settled) reject(error);
          settled = true;
        }
      }, retryMilliseconds);
      predicted.then(settle, (error: unknown) => {
        clearInterval(retry);
        if (!settled) reject(error);
        settled = true;
      });
    });
  }

  override stop(untilPredictionsExhausted?: boolean): void | Promise<void> {
    if (this.#active) return this.#inner.stop(untilPredictionsExhausted);
  }

  override updateInputTokens(tokens: Token[]): void {
    this.#inner.updateInputTokens(tokens);
  }

  override dispose(): void | Promise<void> {
    this.#active = false;
    return this.#inner.dispose();
  }
}
