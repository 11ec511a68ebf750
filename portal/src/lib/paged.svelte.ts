/** One page of a list as the API answers it (core/api/paging.ts). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * A list the server pages: the first page on load or reload, the next one on more().
 * Search and filters are read by the fetcher, so reload() after changing them; an answer
 * to an older question (the user typed on) is dropped, never shown over a newer one.
 */
export class PagedList<T> {
  items = $state<T[]>([]);
  nextCursor = $state<string | null>(null);
  error = $state<unknown>(null);
  loading = $state(false);
  /** Set once the first page arrived: "none" is said only then. */
  loaded = $state(false);
  #asked = 0;

  constructor(private readonly fetchPage: (cursor: string | undefined) => Promise<Page<T>>) {
    void this.reload();
  }

  reload = () => this.#load(undefined);

  more = () => (this.nextCursor ? this.#load(this.nextCursor) : Promise.resolve());

  async #load(cursor: string | undefined) {
    const asked = ++this.#asked;
    this.loading = true;
    try {
      const page = await this.fetchPage(cursor);
      if (asked !== this.#asked) return;
      this.items = cursor ? [...this.items, ...page.items] : page.items;
      this.nextCursor = page.nextCursor;
      this.error = null;
      this.loaded = true;
    } catch (error) {
      if (asked === this.#asked) this.error = error;
    } finally {
      if (asked === this.#asked) this.loading = false;
    }
  }
}

/** Every page, for the rare caller that must see the whole list (a customer's own orders). */
export async function allPages<T>(
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}
