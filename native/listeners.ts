/*
 * A typed event map with unsubscribe functions: smaller than EventEmitter and checked by
 * the compiler. A listener that throws must not stop the driver, so it is caught and
 * handed to `onListenerError`.
 */
export class Listeners<Events extends Record<string, unknown>> {
  readonly #listeners = new Map<keyof Events, Set<(value: never) => void>>();

  constructor(private readonly onListenerError: (error: unknown) => void) {}

  on<E extends keyof Events>(event: E, listener: (value: Events[E]) => void): () => void {
    const set = this.#listeners.get(event) ?? new Set();
    set.add(listener as (value: never) => void);
    this.#listeners.set(event, set);
    return () => set.delete(listener as (value: never) => void);
  }

  emit<E extends keyof Events>(event: E, value: Events[E]): void {
    for (const listener of this.#listeners.get(event) ?? []) {
      try {
        (listener as (value: Events[E]) => void)(value);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}
