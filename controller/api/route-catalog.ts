import type { FastifyInstance, RouteOptions } from 'fastify';
import type { Permission } from '../core/roles.ts';
import type { Access } from './auth.ts';

/** What a route asks of its caller: nothing (public), or a permission. */
export interface RouteEntry {
  method: string;
  url: string;
  access: Access;
}

const catalogs = new WeakMap<FastifyInstance, RouteOptions[]>();

/**
 * Records every route as it is registered, for the security review test and the OpenAPI
 * document (its access rule is the session scheme's scope). A route that reaches ready without
 * an access rule stops the console from starting: nothing is open by omission.
 * Must be installed before the routes.
 */
export function catalogRoutes(app: FastifyInstance, permissionFor: (command: string) => Permission | undefined): void {
  const routes: RouteOptions[] = [];
  catalogs.set(app, routes);
  app.addHook('onRoute', (route: RouteOptions) => {
    routes.push(route);
    if (route.websocket) route.config = { ...route.config, upgrade: true };
    // A route that runs a command takes the command's permission: one rule, kept in one place.
    const command = route.config?.command;
    if (command) {
      const permission = permissionFor(command);
      if (!permission) throw new Error(`${route.url}: no command "${command}"`);
      route.config = { ...route.config, access: permission };
    }
    const access = route.config?.access;
    if (access)
      route.schema = {
        ...route.schema,
        security: access === 'public' ? [] : [{ session: [access] }],
      } as typeof route.schema;
  });
  app.addHook('onReady', async () => {
    const bare = routes.filter((r) => !r.config?.access).map((r) => `${[r.method].flat().join(',')} ${r.url}`);
    if (bare.length) throw new Error(`routes without an access rule: ${bare.join('; ')}`);
  });
}

/**
 * Marks every route registered inside `plugin` public, for the console's own files, whose
 * plugin has no way to take a route config.
 */
export function publicScope(app: FastifyInstance, plugin: (scope: FastifyInstance) => Promise<void>): Promise<void> {
  return app.register(async (scope) => {
    scope.addHook('onRoute', (route: RouteOptions) => {
      route.config = { ...route.config, access: 'public' };
    });
    await plugin(scope);
  }) as unknown as Promise<void>;
}

export const routeCatalog = (app: FastifyInstance): readonly RouteEntry[] =>
  (catalogs.get(app) ?? []).flatMap((r) =>
    [r.method]
      .flat()
      .filter((m) => m !== 'HEAD')
      .map((method) => ({ method, url: r.url, access: r.config!.access! })),
  );
