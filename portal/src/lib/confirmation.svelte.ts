/** What a confirmation asks: the action's name, and in a sentence what it will do. */
export interface ConfirmRequest {
  title: string;
  /** What happens, in the user's words: "Li Na can no longer log in; her sessions end now." */
  consequence: string;
  /** The button that does it: "Disable", not "OK". */
  confirm: string;
}

/**
 * A destructive action asks first (issue 16, "Guards"): `if (await confirmation.ask(…))`.
 * One question at a time; ConfirmDialog shows it.
 */
export class Confirmation {
  request = $state<ConfirmRequest | null>(null);
  #answer: ((yes: boolean) => void) | null = null;

  ask = (request: ConfirmRequest): Promise<boolean> => {
    this.#answer?.(false);
    this.request = request;
    return new Promise((resolve) => (this.#answer = resolve));
  };

  answer = (yes: boolean) => {
    const resolve = this.#answer;
    this.#answer = null;
    this.request = null;
    resolve?.(yes);
  };
}
