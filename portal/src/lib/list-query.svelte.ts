/**
 * What a back-office list is asked for: the search text, the sort and its filter selects.
 * A filter left empty ("all") is not sent, so the server applies no condition for it.
 */
export class ListQuery<F extends string> {
  q = $state('');
  sort: string;
  filters: Record<F, string>;

  constructor(sort: string, filterNames: readonly F[]) {
    this.sort = $state(sort);
    this.filters = $state(
      Object.fromEntries(filterNames.map((name) => [name, ''])) as Record<F, string>,
    );
  }

  /** The query as the list endpoints take it. */
  params(): { q: string; sort: string } & Partial<Record<F, string>> {
    const chosen = Object.entries(this.filters).filter(([, value]) => value !== '');
    return {
      q: this.q,
      sort: this.sort,
      ...(Object.fromEntries(chosen) as Partial<Record<F, string>>),
    };
  }
}
