export { type BigLittleDecoderOptions, bigLittleDecoder } from "./big-little-decoder.ts";
export { type GlimpseRouterOptions, glimpseRouter } from "./glimpse-router.ts";
export { tokenEntropy } from "./token-entropy.ts";
