/**
 * What a back-office list is asked for: the search text, the sort, its filter selects and
 * its time range (TimeRange's ISO instants). A filter or bound left empty ("all", "any
 * time") is not sent, so the server applies no condition for it.
 */
export class ListQuery<F extends string> {
  q = $state('');
  from = $state('');
  to = $state('');
  sort: string;
  filters: Record<F, string>;

  /** `time`: a range the page was opened with (a link's ?from=&to=), exact to the millisecond. */
  constructor(sort: string, filterNames: readonly F[], time: { from?: string; to?: string } = {}) {
    this.sort = $state(sort);
    this.from = time.from ?? '';
    this.to = time.to ?? '';
    this.filters = $state(
      Object.fromEntries(filterNames.map((name) => [name, ''])) as Record<F, string>,
    );
  }

  /** The query as the list endpoints take it. */
  params(): { q: string; sort: string; from?: string; to?: string } & Partial<Record<F, string>> {
    const chosen = Object.entries(this.filters).filter(([, value]) => value !== '');
    return {
      q: this.q,
      sort: this.sort,
      ...(this.from ? { from: this.from } : {}),
      ...(this.to ? { to: this.to } : {}),
      ...(Object.fromEntries(chosen) as Partial<Record<F, string>>),
    };
  }
}
