export { type BudgetPlan, budgetShortfall } from "./budget-shortfall.ts";
export { callsExceed } from "./calls-exceed.ts";
export { checkStopConditions } from "./check-stop-conditions.ts";
export { type ChildBudget, createChildBudget } from "./child-budget.ts";
export { consensusReached } from "./consensus-reached.ts";
export { type CreateBudgetOptions, createBudget, type RunBudget, type TokenPrice } from "./create-budget.ts";
export type { RunProgress } from "./run-progress.ts";
export { tokensExceed } from "./tokens-exceed.ts";
export { addUsage, emptyUsage, totalTokens } from "./usage.ts";
