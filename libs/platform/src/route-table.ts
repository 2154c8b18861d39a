import FindMyWay, { type HTTPMethod } from 'find-my-way';

/**
 * The routes the HTTP server serves (method and URL template, as Fastify registers them),
 * matched the way its router matches them: what a 405's Allow header lists. Fastify answers a
 * method no route of an existing path declares with the not-found handler; this table tells
 * that case apart from a path nothing serves.
 */
export class RouteTable {
  private readonly router = FindMyWay({ ignoreTrailingSlash: true, maxParamLength: 16_384 });
  private readonly methods = new Set<HTTPMethod>();
  private readonly entries: { method: string; url: string }[] = [];

  add(method: string | readonly string[], url: string): void {
    for (const m of typeof method === 'string' ? [method] : method) {
      const upper = m.toUpperCase() as HTTPMethod;
      if (this.router.hasRoute(upper, url)) continue;
      this.router.on(upper, url, () => undefined, { url });
      this.methods.add(upper);
      this.entries.push({ method: upper, url });
    }
  }

  /** Every route, in the order it was registered. */
  list(): readonly { method: string; url: string }[] {
    return this.entries;
  }

  /**
   * The methods the routes matching `path` answer (HEAD with GET), or none if no route
   * matches. As in OpenAPI, a concrete path wins over a template
   * (`/admin/dead-letters/redrive` is not `/admin/dead-letters/{id}`).
   */
  allowedMethods(path: string): string[] {
    const matches: { method: string; url: string }[] = [];
    for (const method of this.methods) {
      const found = this.router.find(method, path);
      if (found) matches.push({ method, url: (found.store as { url: string }).url });
    }
    const concrete = matches.filter((m) => !isTemplate(m.url));
    const allowed = new Set((concrete.length > 0 ? concrete : matches).map((m) => m.method));
    if (allowed.has('GET')) allowed.add('HEAD');
    return [...allowed].sort();
  }
}

const isTemplate = (url: string): boolean => /[:*]/.test(url);
