/** Something loaded from the API: its data, the error if it failed, and a way to reload it. */
export class Resource<T> {
  data = $state<T | null>(null);
  error = $state<unknown>(null);
  loading = $state(false);

  constructor(private readonly fetcher: () => Promise<T>) {
    void this.reload();
  }

  reload = async () => {
    this.loading = true;
    try {
      this.data = await this.fetcher();
      this.error = null;
    } catch (error) {
      this.error = error;
    } finally {
      this.loading = false;
    }
  };
}

/** A button's work: busy while running, the error if it failed, a sentence when it succeeded. */
export class Action {
  busy = $state(false);
  error = $state<unknown>(null);
  notice = $state('');

  run = async <T>(work: () => Promise<T>, done?: (result: T) => string): Promise<T | undefined> => {
    this.busy = true;
    this.error = null;
    this.notice = '';
    try {
      const result = await work();
      if (done) this.notice = done(result);
      return result;
    } catch (error) {
      this.error = error;
      return undefined;
    } finally {
      this.busy = false;
    }
  };
}
