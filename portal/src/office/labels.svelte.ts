import {
  labelTemplateEntrySchema,
  labelTemplateListSchema,
  type LabelPreviewBody,
} from '#core/api/back-office.ts';
import { LABEL_KINDS, type LabelKind } from '#core/labels/label-fields.ts';
import { call, callBlob } from '../lib/api.ts';
import type { z } from 'zod';

type Entry = z.infer<typeof labelTemplateEntrySchema>;

/** Label templates: the JSON of one kind, edited, previewed as PNG and saved. */
export class LabelTemplates {
  kinds = LABEL_KINDS;
  kind = $state<LabelKind>('package');
  entries = $state<Entry[]>([]);
  text = $state('');
  preview = $state('');
  error = $state<unknown>(null);
  jsonError = $state(false);
  saved = $state(false);
  busy = $state(false);

  load = async () => {
    try {
      this.entries = (
        await call(labelTemplateListSchema, 'GET', '/api/v1/labels/templates')
      ).templates;
      this.select(this.kind);
    } catch (error) {
      this.error = error;
    }
  };

  select = (kind: LabelKind) => {
    this.kind = kind;
    const entry = this.entries.find((e) => e.kind === kind);
    this.text = entry ? JSON.stringify(entry.template, null, 2) : '';
    this.saved = false;
    void this.showPreview();
  };

  #template(): unknown {
    try {
      this.jsonError = false;
      return JSON.parse(this.text) as unknown;
    } catch {
      this.jsonError = true;
      return undefined;
    }
  }

  #work = async (job: () => Promise<void>) => {
    this.busy = true;
    this.error = null;
    try {
      await job();
    } catch (error) {
      this.error = error;
    } finally {
      this.busy = false;
    }
  };

  showPreview = () =>
    this.#work(async () => {
      const template = this.#template();
      if (template === undefined) return;
      const blob = await callBlob('POST', '/api/v1/labels/preview', {
        template,
      } as LabelPreviewBody);
      if (this.preview) URL.revokeObjectURL(this.preview);
      this.preview = URL.createObjectURL(blob);
    });

  save = () =>
    this.#work(async () => {
      const template = this.#template();
      if (template === undefined) return;
      const entry = await call(
        labelTemplateEntrySchema,
        'PUT',
        `/api/v1/labels/templates/${this.kind}`,
        template,
      );
      this.entries = this.entries.map((e) => (e.kind === entry.kind ? entry : e));
      this.saved = true;
    });
}
