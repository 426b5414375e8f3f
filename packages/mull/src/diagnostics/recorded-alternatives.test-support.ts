import type { TokenLogprob } from "../spec/index.ts";

/** A position from `[text, logprob]` alternatives, most likely first; the chosen token is the first. */
function recorded(alternatives: readonly (readonly [string, number])[]): TokenLogprob {
  const topLogprobs = alternatives.map(([token, logprob]) => ({ token, logprob }));
  const first = topLogprobs[0] ?? { token: "", logprob: 0 };
  return { token: first.token, logprob: first.logprob, topLogprobs };
}

/**
 * Two teacher-forced positions of lab-large on one `lab:hard` prompt, top 20 each, as the embedded backend
 * reports them: end-of-sequence is `</s>`, beginning-of-sequence `<s>`, every byte token `"\uFFFD"`.
 */
export const embeddedPositions: readonly TokenLogprob[] = [
  recorded([
    ["5", 0],
    ["4", -12.051],
    ["6", -12.549],
    ["</s>", -14.913],
    ["0", -15.812],
    ["1", -16.011],
    ["9", -17.64],
    ["#", -18.975],
    ["=", -19.21],
    ["\n", -19.572],
    ["+", -20.223],
    [" ", -20.283],
    ["\uFFFD", -23.564],
    ["\uFFFD", -23.566],
    ["\uFFFD", -23.569],
    ["\uFFFD", -23.573],
    ["\uFFFD", -23.574],
    ["X", -23.574],
    ["C", -23.575],
    ["g", -23.576],
  ]),
  recorded([
    ["2", -0.079],
    ["3", -2.75],
    ["1", -4.386],
    ["4", -9.796],
    [" ", -14.075],
    ["0", -16.117],
    ["+", -17.674],
    ["-", -17.843],
    [".", -18.025],
    ["e", -18.033],
    ["\uFFFD", -18.037],
    ["#", -18.039],
    ["\uFFFD", -18.046],
    ["<", -18.049],
    ["\uFFFD", -18.053],
    ["\\", -18.056],
    ["\uFFFD", -18.058],
    ["\uFFFD", -18.061],
    ["\uFFFD", -18.064],
    ["<s>", -18.065],
  ]),
];

/**
 * The same positions from llama.cpp's server on the same GGUF: control tokens and UTF-8 lead bytes are
 * `""`, continuation bytes `"\uFFFD"`; the logprobs differ by the other build's float noise.
 */
export const serverPositions: readonly TokenLogprob[] = [
  recorded([
    ["5", 0],
    ["4", -12.052],
    ["6", -12.549],
    ["", -14.914],
    ["0", -15.814],
    ["1", -16.012],
    ["9", -17.64],
    ["#", -18.975],
    ["=", -19.211],
    ["\n", -19.573],
    ["+", -20.224],
    [" ", -20.284],
    ["\uFFFD", -23.565],
    ["", -23.567],
    ["\uFFFD", -23.57],
    ["\uFFFD", -23.575],
    ["\uFFFD", -23.575],
    ["X", -23.575],
    ["C", -23.576],
    ["g", -23.577],
  ]),
  recorded([
    ["2", -0.079],
    ["3", -2.75],
    ["1", -4.387],
    ["4", -9.796],
    [" ", -14.075],
    ["0", -16.117],
    ["+", -17.676],
    ["-", -17.845],
    [".", -18.027],
    ["e", -18.035],
    ["\uFFFD", -18.038],
    ["#", -18.041],
    ["\uFFFD", -18.047],
    ["<", -18.05],
    ["\uFFFD", -18.054],
    ["\\", -18.058],
    ["", -18.06],
    ["\uFFFD", -18.062],
    ["\uFFFD", -18.065],
    ["", -18.066],
  ]),
];
