import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BOM,
  type CellValue,
  type CsvColumnSpec,
  CsvFileWriter,
  csvLine,
  headerLine,
  isDangerousLead,
  numberField,
  textField,
  toCsv,
} from '../../../../electron/core/reports/csv';
import { CURRENCIES, toMajorString } from '../../../../shared/money';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'paydesk-csv-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const parseCsv = (text: string | Buffer): string[][] => parse(text, { bom: true, relax_quotes: false, relax_column_count: false }) as string[][];

describe('RFC 4180', () => {
  const cols: CsvColumnSpec[] = [
    { name: 'a', kind: 'text' },
    { name: 'b', kind: 'text' },
  ];

  it('leaves plain fields alone and ends lines in CRLF', () => {
    expect(csvLine(cols, ['hello', 'world'])).toBe('hello,world\r\n');
    expect(headerLine(cols)).toBe('a,b\r\n');
  });

  it.each([
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['"', '""""'],
    ['line1\nline2', '"line1\nline2"'],
    ['line1\r\nline2', '"line1\r\nline2"'],
    ['trailing\r', '"trailing\r"'],
    ['ünïcödé ₹ ¥ 日本語 🙂', 'ünïcödé ₹ ¥ 日本語 🙂'],
    [' spaces kept ', ' spaces kept '],
  ])('quotes %j as %j', (value, expected) => {
    expect(textField(value)).toBe(expected);
    expect(parseCsv(csvLine(cols, [value, 'x']))).toEqual([[value, 'x']]);
  });

  it('writes null, undefined and empty string as an empty field', () => {
    expect(csvLine(cols, [null, undefined])).toBe(',\r\n');
    expect(csvLine(cols, ['', 'x'])).toBe(',x\r\n');
  });

  it('toCsv writes a header then one line per row', () => {
    expect(toCsv(cols, [['1', '2'], ['3', '4']])).toBe('a,b\r\n1,2\r\n3,4\r\n');
  });
});

describe('BOM', () => {
  const cols: CsvColumnSpec[] = [{ name: 'name', kind: 'text' }];

  it('is added only when asked for', () => {
    expect(toCsv(cols, [['x']], { bom: true }).startsWith(BOM + 'name')).toBe(true);
    expect(toCsv(cols, [['x']]).startsWith('name')).toBe(true);
  });

  it('reaches the file as the UTF-8 bytes EF BB BF, and the text as UTF-8', () => {
    const file = path.join(tmp, 'bom.csv');
    const w = new CsvFileWriter(file);
    w.push(BOM + headerLine(cols));
    w.push(csvLine(cols, ['₹ 1,234.50']));
    w.close();
    const bytes = readFileSync(file);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(w.bytes).toBe(bytes.length);
    expect(parseCsv(bytes)).toEqual([['name'], ['₹ 1,234.50']]);
  });

  it('writes blocks larger than the block size intact', () => {
    const file = path.join(tmp, 'blocks.csv');
    const w = new CsvFileWriter(file, 64);
    let expected = '';
    for (let i = 0; i < 1000; i++) {
      // some lines hold astral characters (4 UTF-8 bytes), some are longer than the whole block
      const text = i % 97 === 0 ? `long ${'x😀,'.repeat(40)} ${i}` : i % 3 === 0 ? `row ${i} 😀` : `row ${i} ✓`;
      const line = csvLine(cols, [text]);
      w.push(line);
      expected += line;
    }
    w.close();
    expect(readFileSync(file, 'utf8')).toBe(expected);
    expect(w.bytes).toBe(Buffer.byteLength(expected));
  });
});

describe('formula injection (OWASP)', () => {
  const cols: CsvColumnSpec[] = [
    { name: 'description', kind: 'text' },
    { name: 'gross', kind: 'number' },
  ];

  it.each([
    ['=1+2', "'=1+2"],
    ['=HYPERLINK("http://evil.example","click")', `"'=HYPERLINK(""http://evil.example"",""click"")"`],
    ['+1-555-0100', "'+1-555-0100"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', `"'\rcmd"`],
    ['=cmd|\' /C calc\'!A0', "'=cmd|' /C calc'!A0"],
  ])('neutralises a text cell %j as %j', (value, expected) => {
    expect(textField(value)).toBe(expected);
    const [row] = parseCsv(csvLine(cols, [value, '1.00']));
    expect(row).toEqual([`'${value}`, '1.00']);
  });

  it('flags exactly = + - @ TAB CR as dangerous leads', () => {
    const flagged: number[] = [];
    for (let c = 0; c < 0x10000; c++) if (isDangerousLead(c)) flagged.push(c);
    expect(flagged).toEqual([...'\t\r+-=@'].map((c) => c.charCodeAt(0)));
  });

  it('does not touch a dangerous character that is not first', () => {
    expect(textField('a=b')).toBe('a=b');
    expect(textField('x-1')).toBe('x-1');
    expect(textField("'=already")).toBe("'=already");
  });

  it('leaves numbers columns untouched: a negative amount stays a number', () => {
    expect(csvLine(cols, ['refund', '-12.50'])).toBe('refund,-12.50\r\n');
    expect(csvLine(cols, ['refund', -1250])).toBe('refund,-1250\r\n');
    expect(numberField(toMajorString(-5, 'KWD'))).toBe('-0.005');
    expect(numberField(0)).toBe('0');
    expect(numberField(null)).toBe('');
  });

  it.each(['=1+2', '1e5', '12.', '.5', '+1', '1,000.00', ' 1', 'NaN', '--1', '1\r\n'])('refuses %j in a numbers column', (v) => {
    expect(() => numberField(v)).toThrow(RangeError);
  });

  it('refuses floats and unsafe integers in a numbers column', () => {
    expect(() => numberField(12.5)).toThrow(RangeError);
    expect(() => numberField(Number.NaN)).toThrow(RangeError);
    expect(() => numberField(2 ** 53)).toThrow(RangeError);
  });
});

describe('property: arbitrary values round-trip through csv-parse', () => {
  const special = fc.constantFrom(',', '"', '\r', '\n', '\r\n', '=', '+', '-', '@', '\t', "'", ' ', '₹', '日本', '🙂', 'é');
  const chunk = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 }), special);
  const textValue = fc.oneof(
    fc.array(chunk, { maxLength: 6 }).map((parts) => parts.join('')),
    fc.constant(null),
  );
  const currency = fc.constantFrom(...CURRENCIES);
  const minor = fc.integer({ min: -1e12, max: 1e12 });
  const kinds = fc.array(fc.constantFrom<'text' | 'number'>('text', 'number'), { minLength: 2, maxLength: 8 });

  it('gives back the same values, text cells with the documented neutraliser prefix', () => {
    fc.assert(
      fc.property(
        kinds.chain((ks) =>
          fc.tuple(
            fc.constant(ks),
            fc.array(
              fc.tuple(...ks.map((k) => (k === 'text' ? textValue : fc.tuple(minor, currency).map(([m, c]) => toMajorString(m, c)))) as [fc.Arbitrary<CellValue>]),
              { maxLength: 6 },
            ),
            fc.boolean(),
          ),
        ),
        ([ks, rows, bom]) => {
          const cols = ks.map((kind, i) => ({ name: `${kind}_${i}`, kind }));
          const text = toCsv(cols, rows as CellValue[][], { bom });
          const parsed = parseCsv(Buffer.from(text, 'utf8'));
          expect(parsed[0]).toEqual(cols.map((c) => c.name));
          const expected = (rows as CellValue[][]).map((row) =>
            row.map((v, i) => {
              if (v == null) return '';
              const s = String(v);
              if (ks[i] === 'text' && s.length > 0 && isDangerousLead(s.charCodeAt(0))) return `'${s}`;
              return s;
            }),
          );
          expect(parsed.slice(1)).toEqual(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('quotes only when needed: an unquoted field never holds , " CR or LF', () => {
    fc.assert(
      fc.property(textValue, (v) => {
        const f = textField(v);
        if (!f.startsWith('"')) expect(/[",\r\n]/.test(f)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });
});
