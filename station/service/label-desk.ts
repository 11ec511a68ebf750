import type { LabelPreview, LabelTitle, PrintedLabel } from '#core/api/station-api.ts';
import type { LabelDataInput } from '#core/labels/label-data.ts';
import type { LabelDocument } from '#native/printers/printer.ts';
import type { StationDevices } from '../devices/station-devices.ts';

/**
 * One label to print: its data, the code it carries, a title for the print queue (English)
 * and the same title by key for the screen.
 */
export interface LabelJob {
  input: { kind: PrintedLabel['kind']; data: LabelDataInput['data'] };
  code: string;
  title: string;
  titleSaid: LabelTitle;
}

/**
 * Where the station's labels go out: each is laid out once, rendered in the format the
 * configured printer takes (ZPL for a Zebra, PDF otherwise) and sent through the station's
 * devices; the SVG of the same layout is kept as the preview the screen shows, so the
 * operator sees what was sent. Only a label that reached the printer becomes the preview.
 */
export class LabelDesk {
  private last: LabelPreview | null = null;

  constructor(
    private readonly devices: StationDevices,
    private readonly now: () => Date,
    /** The plant's language for this station (its settings): the labels' captions follow it. */
    private readonly language: () => string = () => 'en',
  ) {}

  /** Render and send; rejects with the renderer's or the printer's sentence. */
  async print(job: LabelJob): Promise<PrintedLabel> {
    // Loaded on first print: packing is the only role that renders labels.
    const { renderWithPreview } = await import('#labels/render-label.ts');
    const format = this.devices.printerAccepts() === 'zpl' ? 'zpl' : 'pdf';
    const { document, svg } = await renderWithPreview(job.input, format, {
      language: this.language(),
    });
    const sent: LabelDocument =
      format === 'zpl'
        ? { format, data: document.toString('utf8'), title: job.title }
        : { format, data: new Uint8Array(document), title: job.title };
    await this.devices.print(sent);
    const printed: PrintedLabel = {
      id: (this.last?.id ?? 0) + 1,
      kind: job.input.kind,
      code: job.code,
      title: job.title,
      titleSaid: job.titleSaid,
      format,
      at: this.now().toISOString(),
    };
    this.last = { ...printed, svg };
    return printed;
  }

  /** Which label went out last (the state carries this; the image is `preview`). */
  lastPrinted(): PrintedLabel | null {
    if (!this.last) return null;
    const { svg: _image, ...printed } = this.last;
    return printed;
  }

  preview(): LabelPreview | null {
    return this.last;
  }
}
