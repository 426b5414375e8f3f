export type { SelectionContext, Selector, VoteResult } from "../spec/index.ts";
