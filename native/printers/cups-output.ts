/*
 * Parsers for what the CUPS command-line tools print (CUPS 2.x, C locale: the commands are
 * run with LANG=C so the words below do not change with the station's language).
 */
export interface CupsDestination {
  name: string;
  enabled: boolean;
  state: 'idle' | 'printing' | 'disabled' | 'unknown';
  isDefault: boolean;
}

/** `lpstat -p -d`: "printer Zebra is idle.  enabled since …", "system default destination: Zebra". */
export function parseLpstat(output: string): CupsDestination[] {
  const defaultName = /^system default destination: (\S+)/m.exec(output)?.[1];
  const printers: CupsDestination[] = [];
  for (const line of output.split('\n')) {
    const match = /^printer (\S+) (?:is (idle|printing)|(disabled))/.exec(line);
    if (!match?.[1]) continue;
    const state = (match[2] ?? match[3] ?? 'unknown') as CupsDestination['state'];
    printers.push({
      name: match[1],
      enabled: state !== 'disabled',
      state,
      isDefault: match[1] === defaultName,
    });
  }
  return printers;
}

export interface MediaSizes {
  sizes: string[];
  default?: string;
}

/** `lpoptions -p NAME -l`: "PageSize/Media Size: Letter *w288h432 A6" (default marked with *). */
export function parseMediaSizes(output: string): MediaSizes {
  const line = /^(?:PageSize|media)\/[^:]*:(.*)$/m.exec(output)?.[1] ?? '';
  const words = line.trim().split(/\s+/).filter(Boolean);
  const marked = words.find((word) => word.startsWith('*'));
  return {
    sizes: words.map((word) => word.replace(/^\*/, '')),
    ...(marked ? { default: marked.slice(1) } : {}),
  };
}

/** `lp`: "request id is Zebra-42 (1 file(s))". */
export const parseRequestId = (output: string): string | undefined =>
  /request id is (\S+)/.exec(output)?.[1];
