/**
 * A small streaming CSV parser (RFC 4180): quoted fields, `""` escapes, commas and line breaks
 * inside quotes, CRLF / LF / lone CR line endings, and a UTF-8 byte-order mark at the start.
 *
 * Feed it text in chunks of any size with `push()` and finish with `end()`; each returns the
 * records completed so far. Every record carries the file line it starts on (1-based), so an
 * importer can point at the line a bad row came from. A malformed record (a quote inside an
 * unquoted field, text after a closing quote, a quote never closed) is returned with `error`
 * set and the parser carries on at the next line, so one stray quote doesn't hide later errors.
 * Blank lines are skipped.
 */

export interface CsvRecord {
  /** The file line the record starts on (1-based; a quoted field may span several lines). */
  line: number;
  fields: string[];
  /** Set when the record is malformed; `fields` then holds what was read before the problem. */
  error?: string;
}

/** Parser states. */
const State = {
  /** At the start of a field. */
  FieldStart: 0,
  Unquoted: 1,
  Quoted: 2,
  /** Just read a `"` inside a quoted field: an escaped quote or the closing one. */
  QuoteInQuoted: 3,
  /** After a syntax error: ignore everything up to the next line break. */
  Skip: 4,
} as const;
type State = (typeof State)[keyof typeof State];

const QUOTE = 34;
const COMMA = 44;
const CR = 13;
const LF = 10;

/** Index of the first comma, line break or quote at or after `from` (the end of plain text). */
function plainFieldEnd(text: string, from: number): number {
  let j = from;
  while (j < text.length) {
    const d = text.charCodeAt(j);
    if (d === COMMA || d === LF || d === CR || d === QUOTE) break;
    j++;
  }
  return j;
}

export class CsvParser {
  private state: State = State.FieldStart;
  private field = '';
  private fields: string[] = [];
  private recordLine = 1;
  private line = 1;
  private prevCR = false;
  private started = false;
  private error: string | undefined;
  /** True once the current record has any content (so a blank line is not a record). */
  private hasContent = false;

  /** Parses the next chunk; returns the records it completed. */
  push(chunk: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    let text = chunk;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const n = text.length;
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      // A LF right after a CR belongs to the same line break.
      if (c === LF && this.prevCR) {
        this.prevCR = false;
        if (this.state === State.Quoted) this.field += '\n';
        i++;
        continue;
      }
      this.prevCR = c === CR;
      switch (this.state) {
        case State.FieldStart:
          if (c === QUOTE) {
            this.state = State.Quoted;
            this.hasContent = true;
          } else if (c === COMMA) {
            this.hasContent = true;
            this.fields.push('');
          } else if (c === LF || c === CR) {
            this.endRecord(out);
          } else {
            this.state = State.Unquoted;
            this.hasContent = true;
            // Read the rest of a plain field in one slice.
            const j = plainFieldEnd(text, i + 1);
            this.field += text.slice(i, j);
            i = j;
            continue;
          }
          break;
        case State.Unquoted:
          if (c === COMMA) {
            this.fields.push(this.field);
            this.field = '';
            this.state = State.FieldStart;
          } else if (c === LF || c === CR) {
            this.endRecord(out);
          } else if (c === QUOTE) {
            this.fail(
              'a quote (") inside an unquoted field; quote the whole field and double the quote',
            );
          } else {
            const j = plainFieldEnd(text, i + 1);
            this.field += text.slice(i, j);
            i = j;
            continue;
          }
          break;
        case State.Quoted: {
          if (c === QUOTE) {
            this.state = State.QuoteInQuoted;
            break;
          }
          // Read up to the next quote or line break in one slice (line breaks are counted).
          let j = i;
          while (j < n) {
            const d = text.charCodeAt(j);
            if (d === QUOTE || d === LF || d === CR) break;
            j++;
          }
          if (j > i) {
            this.field += text.slice(i, j);
            i = j;
            this.prevCR = false;
            continue;
          }
          this.field += c === CR ? '\r' : '\n';
          this.line++;
          i++;
          continue;
        }
        case State.QuoteInQuoted:
          if (c === QUOTE) {
            this.field += '"';
            this.state = State.Quoted;
          } else if (c === COMMA) {
            this.fields.push(this.field);
            this.field = '';
            this.state = State.FieldStart;
          } else if (c === LF || c === CR) {
            this.endRecord(out);
          } else {
            this.fail('text after a closing quote; a quote inside a quoted field must be doubled');
          }
          break;
        case State.Skip:
          if (c === LF || c === CR) this.endRecord(out);
          break;
      }
      i++;
    }
    return out;
  }

  /** Finishes the input; returns the last record, if the input did not end with a line break. */
  end(): CsvRecord[] {
    const out: CsvRecord[] = [];
    if (this.state === State.Quoted) {
      this.error ??= 'a quoted field is never closed';
    }
    if (this.hasContent || this.error) this.finishRecord(out);
    this.state = State.FieldStart;
    return out;
  }

  /** Line breaks outside quotes end the record (and are counted). */
  private endRecord(out: CsvRecord[]): void {
    if (this.hasContent || this.error) this.finishRecord(out);
    this.line++;
    this.recordLine = this.line;
    this.state = State.FieldStart;
  }

  private finishRecord(out: CsvRecord[]): void {
    if (this.state !== State.Skip) this.fields.push(this.field);
    const record: CsvRecord = { line: this.recordLine, fields: this.fields };
    if (this.error) record.error = this.error;
    out.push(record);
    this.fields = [];
    this.field = '';
    this.error = undefined;
    this.hasContent = false;
  }

  private fail(message: string): void {
    this.error ??= message;
    this.state = State.Skip;
  }
}

/** Parses a whole CSV text. */
export function parseCsv(text: string): CsvRecord[] {
  const parser = new CsvParser();
  return [...parser.push(text), ...parser.end()];
}

/** Parses CSV from a stream of text chunks (e.g. `createReadStream(path, 'utf8')`). */
export async function* parseCsvStream(
  chunks: AsyncIterable<string | Buffer>,
): AsyncGenerator<CsvRecord> {
  const parser = new CsvParser();
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    yield* parser.push(text);
  }
  const rest = decoder.decode();
  if (rest) yield* parser.push(rest);
  yield* parser.end();
}
