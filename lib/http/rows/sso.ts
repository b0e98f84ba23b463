/**
 * Route-table rows of one area (see ../routes.ts): spread into the one table,
 * which drives the CDK API, the local gateway and the OpenAPI document.
 */
import type { RouteDef } from '../routes.ts';

export const SSO_ROWS = [] as const satisfies readonly RouteDef[];
