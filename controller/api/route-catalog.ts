import type { FastifyInstance, RouteOptions } from 'fastify';
import type { Permission } from '../core/roles.ts';
import { isPublicRoute } from './auth.ts';

/** What a route asks of its caller: nothing (public), a session, or a permission. */
export interface RouteEntry { method: string; url: string; access: 'public' | Permission }

const catalogs = new WeakMap<FastifyInstance, RouteEntry[]>();

/**
 * Records each route's access rule as it is registered, for the security review test, and
 * writes it into the OpenAPI document as the session scheme's scope, for integrators.
 * Must be installed before the routes.
 */
export function catalogRoutes(app: FastifyInstance): void {
  const entries: RouteEntry[] = [];
  catalogs.set(app, entries);
  app.addHook('onRoute', (route: RouteOptions) => {
    const access = isPublicRoute(route.url, route.config) ? 'public' : route.config?.permission ?? 'view';
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') entries.push({ method, url: route.url, access });
    }
    route.schema = { ...route.schema, security: access === 'public' ? [] : [{ session: [access] }] } as typeof route.schema;
  });
}

export const routeCatalog = (app: FastifyInstance): readonly RouteEntry[] => catalogs.get(app) ?? [];
