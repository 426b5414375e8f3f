export { type BanditRoute, buildModelRoutes, type ModelRoutes } from "./model-routes.ts";
export { type RoutedModel, type RoutePull, routeModel } from "./route-request.ts";
export { type RewardSource, type RouteReward, routeReward } from "./route-reward.ts";
