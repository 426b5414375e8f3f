export { passAtK } from "./pass-at-k.ts";
