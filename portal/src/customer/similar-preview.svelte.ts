import { similarAnswerSchema, type SimilarAnswer } from '#core/api/catalog.ts';
import { call, query } from '../lib/api.ts';

/** How long typing pauses before the candidates are asked for. */
const PAUSE_MS = 300;

/**
 * The candidates for "like this product, but…" while the customer types, from the
 * candidates route (no order is placed). Only the answer to the latest text is kept.
 */
export class SimilarPreview {
  answer = $state<SimilarAnswer | null>(null);
  error = $state<unknown>(null);
  private timer: ReturnType<typeof setTimeout> | undefined;
  private asked = 0;

  update(similarTo: string, differences: string) {
    clearTimeout(this.timer);
    const text = differences.trim();
    if (text.length < 3) {
      this.answer = null;
      return;
    }
    this.timer = setTimeout(() => void this.fetch(similarTo, text), PAUSE_MS);
  }

  private async fetch(similarTo: string, differences: string) {
    const ticket = ++this.asked;
    try {
      const answer = await call(
        similarAnswerSchema,
        'GET',
        `/api/v1/products/similar${query({ similarTo, differences })}`,
      );
      if (ticket === this.asked) [this.answer, this.error] = [answer, null];
    } catch (error) {
      if (ticket === this.asked) this.error = error;
    }
  }

  dispose() {
    clearTimeout(this.timer);
  }
}
