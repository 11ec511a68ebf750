import { getContext, setContext } from 'svelte';

/** History-API routing: the server answers every non-API path with index.html. */
export class Router {
  path = $state(location.pathname);
  search = $state(location.search);

  constructor() {
    addEventListener('popstate', () => this.#sync());
    // Same-origin links navigate without a reload; API links (PDFs) and downloads do not.
    document.addEventListener('click', (event) => {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey) return;
      const link = (event.target as Element | null)?.closest('a');
      if (!link || link.target || link.hasAttribute('download')) return;
      const url = new URL(link.href, location.href);
      if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
      event.preventDefault();
      this.go(url.pathname + url.search);
    });
  }

  go = (to: string, replace = false) => {
    if (to === location.pathname + location.search) return;
    if (replace) history.replaceState(null, '', to);
    else history.pushState(null, '', to);
    this.#sync();
    scrollTo(0, 0);
  };

  /** `/orders/:id` against the current path: the parameters, or null. */
  match = (pattern: string): Record<string, string> | null => {
    const names: string[] = [];
    const regex = new RegExp(
      `^${pattern.replace(/:(\w+)/g, (_, name: string) => (names.push(name), '([^/]+)'))}/?$`,
    );
    const found = regex.exec(this.path);
    if (!found) return null;
    return Object.fromEntries(
      names.map((name, i) => [name, decodeURIComponent(found[i + 1] ?? '')]),
    );
  };

  param = (name: string): string => new URLSearchParams(this.search).get(name) ?? '';

  #sync() {
    this.path = location.pathname;
    this.search = location.search;
  }
}

const KEY = Symbol('router');
export const setRouter = (router: Router): Router => setContext(KEY, router);
export const getRouter = (): Router => getContext<Router>(KEY);
