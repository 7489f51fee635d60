import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CsvParser, parseCsv, parseCsvStream } from '../../src/import/csv.ts';

const rows = (text: string) => parseCsv(text).map((r) => r.fields);

/** Feeds `text` in chunks of `size` characters. */
function chunked(text: string, size: number) {
  const parser = new CsvParser();
  const out = [];
  for (let i = 0; i < text.length; i += size) out.push(...parser.push(text.slice(i, i + size)));
  out.push(...parser.end());
  return out;
}

describe('parseCsv', () => {
  it('splits plain fields and records, with or without a final line break', () => {
    expect(rows('a,b,c\n1,2,3\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
    ]);
    expect(rows('a,b\n1,2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('keeps empty fields, including leading and trailing ones', () => {
    expect(rows(',a,,\n')).toEqual([['', 'a', '', '']]);
    expect(rows('""\n')).toEqual([['']]);
  });

  it('reads quoted fields with commas, doubled quotes and line breaks', () => {
    const records = parseCsv('id,note\n1,"a, b"\n2,"say ""hi"""\n3,"two\nlines"\n4,x\n');
    expect(records.map((r) => r.fields)).toEqual([
      ['id', 'note'],
      ['1', 'a, b'],
      ['2', 'say "hi"'],
      ['3', 'two\nlines'],
      ['4', 'x'],
    ]);
    // The record after a two-line field starts on the right line.
    expect(records.map((r) => r.line)).toEqual([1, 2, 3, 4, 6]);
  });

  it('handles CRLF, lone CR, and CRLF inside quotes', () => {
    expect(rows('a,b\r\n1,2\r\n')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(rows('a\r1\r')).toEqual([['a'], ['1']]);
    const records = parseCsv('a,b\r\n"x\r\ny",2\r\nz,3\r\n');
    expect(records[1]!.fields).toEqual(['x\r\ny', '2']);
    expect(records[2]!.line).toBe(4);
  });

  it('strips a UTF-8 byte-order mark and keeps Thai text intact', () => {
    expect(rows('\uFEFFname_th,x\nสมชาย,1\n')).toEqual([
      ['name_th', 'x'],
      ['สมชาย', '1'],
    ]);
  });

  it('skips blank lines but counts them', () => {
    const records = parseCsv('a\n\n1\n\r\n2\n');
    expect(records.map((r) => [r.line, r.fields[0]])).toEqual([
      [1, 'a'],
      [3, '1'],
      [5, '2'],
    ]);
  });

  it('reports malformed records with their line and carries on', () => {
    const records = parseCsv('a,b\n1,x"y\n2,"z"q\n3,ok\n4,"never closed\n5,x\n');
    expect(records[0]!.error).toBeUndefined();
    expect(records[1]).toMatchObject({ line: 2, error: expect.stringMatching(/quote/) });
    expect(records[2]).toMatchObject({ line: 3, error: expect.stringMatching(/closing quote/) });
    expect(records[3]).toEqual({ line: 4, fields: ['3', 'ok'] });
    expect(records[4]).toMatchObject({ line: 5, error: 'a quoted field is never closed' });
    expect(records).toHaveLength(5);
  });

  it('gives the same result whatever the chunk boundaries', () => {
    const text = '\uFEFFid,note\r\n1,"a, ""b""\r\nc"\r\n2,plain\r\n\r\n3,"x"\r\n';
    const whole = parseCsv(text);
    expect(whole.map((r) => r.fields)).toEqual([
      ['id', 'note'],
      ['1', 'a, "b"\r\nc'],
      ['2', 'plain'],
      ['3', 'x'],
    ]);
    for (const size of [1, 2, 3, 5, 7]) expect(chunked(text, size)).toEqual(whole);
  });

  it('parses a byte stream, multi-byte characters split across chunks', async () => {
    const bytes = Buffer.from('\uFEFFชื่อ,x\r\nสมหญิง,"1\n2"\r\n', 'utf8');
    const chunks = [];
    for (let i = 0; i < bytes.length; i += 3) chunks.push(bytes.subarray(i, i + 3));
    const records = [];
    for await (const r of parseCsvStream(Readable.from(chunks))) records.push(r);
    expect(records.map((r) => r.fields)).toEqual([
      ['ชื่อ', 'x'],
      ['สมหญิง', '1\n2'],
    ]);
  });

  it('parses 100,000 records quickly', () => {
    const text = `a,b,c\n${'1234567890123,"x, y",2025-01\n'.repeat(100_000)}`;
    const started = performance.now();
    const records = parseCsv(text);
    expect(records).toHaveLength(100_001);
    expect(records[100_000]!.fields).toEqual(['1234567890123', 'x, y', '2025-01']);
    expect(performance.now() - started).toBeLessThan(3000);
  });
});
