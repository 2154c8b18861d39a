import { METHODS } from 'node:http';

/** The parts of an Express router layer this reads (router 2.x keeps them public). */
export interface RouterLayer {
  route?: { path: unknown; methods: Record<string, boolean | undefined> };
  match(path: string): unknown;
}

/**
 * The methods the routes matching `path` answer (HEAD with GET, as Express does), or none if
 * no route matches: what a 405's Allow header lists. As in OpenAPI, a concrete path wins over
 * a template (`/admin/dead-letters/redrive` is not `/admin/dead-letters/{id}`). A route that
 * answers every method is middleware mounted as a route (Nest does that for
 * `forRoutes('*path')`), not an endpoint.
 */
export function allowedMethods(stack: readonly RouterLayer[], path: string): string[] {
  const matching = stack.filter(
    (layer) => layer.route && !answersEverything(layer.route.methods) && layer.match(path),
  );
  const concrete = matching.filter((layer) => !isTemplate(layer.route!.path));
  const methods = new Set<string>();
  for (const layer of concrete.length > 0 ? concrete : matching) {
    for (const [method, on] of Object.entries(layer.route!.methods)) {
      if (on && method !== '_all') methods.add(method.toUpperCase());
    }
  }
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}

const isTemplate = (path: unknown): boolean => typeof path !== 'string' || /[:*{]/.test(path);

const answersEverything = (methods: Record<string, boolean | undefined>): boolean =>
  Boolean(methods._all) || METHODS.every((m) => methods[m.toLowerCase()]);
