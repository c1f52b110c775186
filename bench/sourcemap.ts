// Attributes a bundle's bytes to the source files it came from, by decoding
// its source map (v3: https://tc39.es/source-map/). Every byte of the output
// lands in exactly one row, so the rows add up to the bundle's size.

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const digits = new Map([...BASE64].map((char, i) => [char, i]));

/** Decodes one segment of a `mappings` string (comma-free), e.g. `'AAgBC'` to `[0, 0, 16, 1]`. */
export function decodeVlq(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = digits.get(char);
    if (digit === undefined) throw new SyntaxError(`Invalid base64 VLQ character ${JSON.stringify(char)} in ${JSON.stringify(segment)}`);
    value += (digit & 31) * 2 ** shift; // multiplication, not <<: a 32nd bit would turn the number negative
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value % 2 === 1 ? -(value - 1) / 2 : value / 2); // the lowest bit is the sign
    value = 0;
    shift = 0;
  }
  if (shift !== 0) throw new SyntaxError(`Unterminated base64 VLQ in ${JSON.stringify(segment)}`);
  return values;
}

/** A segment: where on its generated line it starts (UTF-16 column) and which source it maps to (-1: none). */
export interface Segment {
  column: number;
  source: number;
}

/** The segments of each generated line, with the source index resolved (it is relative to the previous segment's, across lines). */
export function decodeMappings(mappings: string): Segment[][] {
  let source = 0;
  return mappings.split(';').map((line) => {
    let column = 0; // the generated column restarts on every line; the other fields do not
    return line
      .split(',')
      .filter(Boolean)
      .map((text) => {
        const fields = decodeVlq(text);
        column += fields[0]!;
        if (fields.length === 1) return { column, source: -1 };
        source += fields[1]!;
        return { column, source };
      });
  });
}

export interface SourceMapV3 {
  sources: string[];
  mappings: string;
}

/**
 * Bytes of `code` (UTF-8) per source file of `map`. A segment owns the text
 * from its column to the next segment's on the same line; text before a
 * line's first segment, segments that map to no source, and the newlines
 * go to the `null` key ("unattributed"). Columns count UTF-16 units, so
 * each slice is measured in UTF-8 bytes, as gzip and the network see it.
 */
export function bytesPerSource(code: string, map: SourceMapV3): Map<string | null, number> {
  const totals = new Map<string | null, number>();
  const add = (key: string | null, text: string) => {
    const bytes = Buffer.byteLength(text);
    if (bytes > 0) totals.set(key, (totals.get(key) ?? 0) + bytes);
  };
  const lines = code.split('\n');
  const segments = decodeMappings(map.mappings);
  lines.forEach((line, i) => {
    const onLine = segments[i] ?? [];
    add(null, line.slice(0, onLine[0]?.column ?? line.length));
    onLine.forEach((segment, k) => {
      const end = onLine[k + 1]?.column ?? line.length;
      add(segment.source < 0 ? null : (map.sources[segment.source] ?? null), line.slice(segment.column, end));
    });
    if (i < lines.length - 1) add(null, '\n');
  });
  return totals;
}
