// Pure ingest logic: numbers, lines, file names, kind resolution and the byte-exact line scanner.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  checkLine,
  FORMATS,
  hintsFromFileName,
  isHeader,
  notTextReason,
  parseDecimal,
  readTepChunk,
  resolveIngest,
  scanLines,
  unsafeFileNameReason,
  validateCsvFile,
  validateTepFile,
  FileFormatError,
  type TepObservation,
} from '@him/ingest';

describe('parseDecimal', () => {
  it.each([
    ['0', 0],
    ['-1.5', -1.5],
    ['+.25', 0.25],
    ['1e-3', 0.001],
    ['12.', 12],
    ['3.0000000e+02', 300],
  ])('reads %s', (text, value) => {
    expect(parseDecimal(text)).toBe(value);
  });

  it.each(['', ' ', 'NaN', 'Infinity', '-inf', '0x1f', '1,5', '1.2.3', 'abc', '1e999', ' 1'])('refuses %j (Number() would not)', (text) => {
    expect(parseDecimal(text)).toBeNull();
  });
});

describe('checkLine', () => {
  const vib = FORMATS.vibration;
  it('keeps the exact field text and the values of a good line', () => {
    expect(checkLine('0.000741,0.1,-0.2,3e-1,4', vib)).toEqual({ fields: ['0.000741', '0.1', '-0.2', '3e-1', '4'], values: [0.000741, 0.1, -0.2, 0.3, 4] });
  });
  it('names the column and the problem', () => {
    expect(checkLine('0.1,0.2,0.3,NaN,0.5', vib)).toEqual({ reason: "column 'Type 2' is NaN, not a finite number" });
    expect(checkLine('0.1,0.2', vib)).toEqual({ reason: 'expected 5 columns (Time, Normal, Type 1, Type 2, Type 3), found 2' });
    expect(checkLine('Time,Normal,Type 1,Type 2,Type 3', vib)).toEqual({ reason: 'header row repeated in the middle of the file' });
  });
  it('refuses a negative capture time (the column is unsigned on MySQL), but not a negative recording time', () => {
    expect(checkLine('-0.5,1.2', FORMATS.capture)).toEqual({ reason: "column 'Time' is negative (-0.5); capture times count up from 0" });
    expect(checkLine('-1e-3,1.2', FORMATS.capture)).toEqual({ reason: "column 'Time' is negative (-1e-3); capture times count up from 0" });
    expect(checkLine('0,-1.2', FORMATS.capture)).toEqual({ fields: ['0', '-1.2'], values: [0, -1.2] });
    expect(checkLine('-0.5,1,2,3,4', vib)).toMatchObject({ values: [-0.5, 1, 2, 3, 4] });
  });
  it('reads whitespace-separated TEP lines', () => {
    const line = Array.from({ length: 52 }, (_, i) => `   ${(i + 1).toExponential(7)}`).join('');
    expect('values' in checkLine(line, FORMATS.tep) && (checkLine(line, FORMATS.tep) as { values: number[] }).values[51]).toBe(52);
  });
});

describe('file names', () => {
  it('reads machine, sensor, capture time and TEP lots from names', () => {
    expect(hintsFromFileName('g1_sensor3.csv')).toEqual({ kind: 'vibration', machineName: 'g1', sensorNo: '3' });
    expect(hintsFromFileName('g12_sensor1_20261101T030405Z.csv')).toEqual({ kind: 'capture', machineName: 'g12', sensorNo: '1', capturedAt: '2026-11-01T03:04:05.000Z' });
    expect(hintsFromFileName('d05_te.dat')).toEqual({ kind: 'tep', lotCode: 'd05_te', faultLabel: 5 });
    expect(hintsFromFileName('readings.csv')).toEqual({});
  });
  it.each(['../x.csv', 'a/b.csv', 'a\\b.csv', '..', 'x\u0000.csv', ''])('refuses the unsafe name %j', (name) => {
    expect(unsafeFileNameReason(name)).not.toBeNull();
  });
  it('accepts a plain name', () => {
    expect(unsafeFileNameReason('g1_sensor1.csv')).toBeNull();
  });
});

describe('resolveIngest', () => {
  it('lets the request override the name, and gives undated recordings a fixed collected_at', () => {
    expect(resolveIngest('g1_sensor1.csv', { machineName: 'press-7' })).toEqual({
      ok: true,
      value: { kind: 'vibration', machineName: 'press-7', sensorNo: '1', collectedAt: '1970-01-01T00:00:00.000Z' },
    });
  });
  it('tells the kind from the first line when nothing else does', () => {
    expect(resolveIngest('x.csv', { machineName: 'a', sensorNo: '1', collectedAt: '2026-01-01T00:00:00.000Z' }, '0.1,0.2')).toMatchObject({ ok: true, value: { kind: 'capture' } });
  });
  it('names every missing field', () => {
    expect(resolveIngest('x.csv', { kind: 'capture' })).toEqual({
      ok: false,
      problems: [expect.objectContaining({ field: 'machine_name' }), expect.objectContaining({ field: 'sensor_no' }), expect.objectContaining({ field: 'collected_at' })],
    });
  });
});

describe('scanLines and validateCsvFile', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'him-scan-'));
  const write = (name: string, content: string | Buffer) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  };
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('gives exact byte offsets through a BOM and CRLF ends, and resumes from any line start', async () => {
    const file = write('a.csv', '\ufeffx\r\nyy\r\n\r\nzzz');
    const lines: [string, number, number, number][] = [];
    await scanLines(file, { onLine: (t, n, s, e) => lines.push([t, n, s, e]) });
    expect(lines).toEqual([
      ['x', 1, 3, 6],
      ['yy', 2, 6, 10],
      ['', 3, 10, 12],
      ['zzz', 4, 12, 15],
    ]);
    const resumed: string[] = [];
    await scanLines(file, { start: 6, end: 12, firstLine: 2, onLine: (t) => resumed.push(t) });
    expect(resumed).toEqual(['yy', '']);
  });

  it('refuses binary content and text that is not UTF-8, naming the line', async () => {
    await expect(scanLines(write('b.csv', Buffer.from('1,2\n3,\u00004\n')), { onLine: () => undefined })).rejects.toThrow(/binary.*line 2/);
    await expect(scanLines(write('c.csv', Buffer.from('1,2\n3,caf\xe9\n', 'latin1')), { onLine: () => undefined })).rejects.toThrow(FileFormatError);
  });

  it('cuts chunks at line starts, counts rows, skips the header and marks chunks that can be loaded as raw bytes', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => `${i},${i},${i},${i},${i}`);
    rows[17] = '17,17,x,17,17';
    const file = write('g1_sensor1.csv', `Time,Normal,Type 1,Type 2,Type 3\n${rows.join('\n')}\n`);
    const report = await validateCsvFile(file, 'vibration', { keepRejected: 5, chunkRows: 10 });
    expect(report).toMatchObject({ rowsRead: 25, rowsRejected: 1, headerLine: 1, rejected: [{ line: 19, reason: "column 'Type 1' is not a number ('x')" }], firstInterval: 1 });
    expect(report.chunks.map((c) => [c.firstLine, c.rows, c.clean])).toEqual([
      [2, 10, true],
      [12, 10, false],
      [22, 5, true],
    ]);
    expect(report.chunks[0].byteStart).toBe('Time,Normal,Type 1,Type 2,Type 3\n'.length);
    expect(report.chunks[2].byteEnd).toBe(fs.statSync(file).size);
  });

  it('rejects a capture line with a negative time, also where plain lines skip the field-by-field check', async () => {
    const file = write('g1_sensor1_20261101T030000Z.csv', '0,0.1\n0.001,0.2\n0.002,0.3\n-0.003,0.4\n0.004,-0.5\n');
    const report = await validateCsvFile(file, 'capture', { keepRejected: 5, chunkRows: 10 });
    expect(report).toMatchObject({ rowsRead: 5, rowsRejected: 1, rejected: [{ line: 4, reason: "column 'Time' is negative (-0.003); capture times count up from 0" }] });
    expect(report.chunks.map((c) => c.clean)).toEqual([false]);
  });

  it('checksums the whole file and each chunk in the same pass, across read blocks', async () => {
    const rows = Array.from({ length: 60_000 }, (_, i) => `${i},${i / 7},${i / 11},${i / 13},${i / 17}`);
    const content = Buffer.from(`Time,Normal,Type 1,Type 2,Type 3\n${rows.join('\n')}\n\n`);
    const file = write('g2_sensor1.csv', content);
    const report = await validateCsvFile(file, 'vibration', { keepRejected: 0, chunkRows: 7_000 });
    const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
    expect(content.length).toBeGreaterThan(3 * 1024 * 1024);
    expect(report.checksum).toBe(sha256(content));
    expect(report.chunks).toHaveLength(9);
    for (const c of report.chunks) expect(c.checksum).toBe(sha256(content.subarray(c.byteStart, c.byteEnd)));
  });
});

describe('validateTepFile and readTepChunk', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'him-tep-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
  const value = (observation: number, variable: number) => (observation + variable / 100).toExponential(7);

  async function readAll(file: string, chunks: Awaited<ReturnType<typeof validateTepFile>>['chunks']) {
    const observations: TepObservation[] = [];
    let rejected = 0;
    for (const chunk of chunks) {
      const checksum = createHash('sha256');
      const reader = readTepChunk(file, { ...chunk, tep: chunk.tep! }, (bytes) => checksum.update(bytes));
      for await (const block of reader.blocks) observations.push(...block.observations);
      rejected += reader.rejected();
      expect(checksum.digest('hex')).toBe(chunk.checksum);
    }
    return { observations, rejected };
  }

  it('cuts a run into chunks of whole observations and reads each back at its place, a broken line leaving its place empty', async () => {
    const lines = Array.from({ length: 250 }, (_, i) => '  ' + Array.from({ length: 52 }, (_, k) => value(i, k)).join('  '));
    lines[120] = lines[120].replace(/\S+$/, 'oops');
    const content = Buffer.from(lines.join('\n') + '\n');
    const file = path.join(dir, 'd07.dat');
    fs.writeFileSync(file, content);
    const report = await validateTepFile(file, { keepRejected: 5, chunkObservations: 100 });
    expect(report).toMatchObject({
      rowsRead: 250 * 52,
      rowsRejected: 52,
      rejected: [{ line: 121, reason: "column 'XMV_11' is not a number ('oops')" }],
      checksum: sha256(content),
    });
    expect(report.chunks.map((c) => [c.firstLine, c.rows, c.tep])).toEqual([
      [1, 5200, { firstObservation: 0, transposed: false }],
      [101, 5200, { firstObservation: 100, transposed: false }],
      [201, 2600, { firstObservation: 200, transposed: false }],
    ]);
    const { observations, rejected } = await readAll(file, report.chunks);
    expect(rejected).toBe(1);
    expect(observations.map((o) => o.index)).toEqual([...Array(250).keys()].filter((i) => i !== 120));
    expect(observations[200]).toEqual({ index: 201, values: Array.from({ length: 52 }, (_, k) => Number(value(201, k))) });
  });

  it("recognises d00.dat's transposed layout (a line per variable) as one chunk, a bad value spoiling its observation only", async () => {
    const lines = Array.from({ length: 52 }, (_, k) => '  ' + Array.from({ length: 70 }, (_, i) => value(i, k)).join('  '));
    lines[3] = lines[3].replace(value(9, 3), 'NaN');
    const file = path.join(dir, 'd00.dat');
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const report = await validateTepFile(file, { keepRejected: 5, chunkObservations: 20 });
    expect(report).toMatchObject({
      rowsRead: 70 * 52,
      rowsRejected: 52,
      rejected: [{ line: 1, reason: 'observation 10: line 4 (XMEAS_4), value 10 is NaN, not a finite number' }],
    });
    expect(report.chunks).toHaveLength(1);
    expect(report.chunks[0]).toMatchObject({ rows: 70 * 52, tep: { firstObservation: 0, transposed: true } });
    const { observations, rejected } = await readAll(file, report.chunks);
    expect(rejected).toBe(1);
    expect(observations).toHaveLength(69);
    expect(observations[9]).toEqual({ index: 10, values: Array.from({ length: 52 }, (_, k) => Number(value(10, k))) });
  });
});

// What the bad-input corpus (test/fixtures/bad/) found: each refusal names what is wrong, and nothing is lost silently.
describe('inputs of the bad-input corpus', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'him-bad-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const csv = 'Time,Value\n0.000000,0.01\n0.000741,0.02\n';

  it('tells UTF-16 and UTF-32 (with or without a byte-order mark) and archives from text by their first bytes', () => {
    const utf32 = (text: string, bom: boolean) => {
      const out = Buffer.alloc((text.length + (bom ? 1 : 0)) * 4);
      [...(bom ? '\ufeff' : ''), ...text].forEach((c, i) => out.writeUInt32LE(c.codePointAt(0)!, i * 4));
      return out;
    };
    expect(notTextReason(Buffer.from(csv, 'utf16le'))).toMatch(/UTF-16/);
    expect(notTextReason(Buffer.from(csv, 'utf16le').swap16())).toMatch(/UTF-16/);
    expect(notTextReason(Buffer.from(`\ufeff${csv}`, 'utf16le'))).toMatch(/UTF-16/);
    expect(notTextReason(utf32(csv, true))).toMatch(/UTF-32/);
    expect(notTextReason(utf32(csv, false))).toMatch(/UTF-32/);
    expect(notTextReason(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]))).toMatch(/gzip/);
    expect(notTextReason(Buffer.from('PK\x03\x04\x14\x00', 'latin1'))).toMatch(/ZIP/);
    expect(notTextReason(Buffer.from(csv))).toBeNull();
    expect(notTextReason(Buffer.from(`\ufeff시간,값\n${csv}`))).toBeNull();
    // A NUL here and there is binary content, for the line scanner to name.
    expect(notTextReason(Buffer.from('1,2\n3,\u00004\n'))).toBeNull();
  });

  it('refuses capture times a file name spells but the calendar lacks', () => {
    expect(hintsFromFileName('g1_sensor1_20240229T235959Z.csv')).toMatchObject({ capturedAt: '2024-02-29T23:59:59.000Z' });
    for (const name of ['g1_sensor1_20260230T000000Z.csv', 'g1_sensor1_20261301T000000Z.csv', 'g1_sensor1_20261101T240000Z.csv', 'g1_sensor1_19691231T235959Z.csv']) {
      expect(hintsFromFileName(name)).toEqual({ kind: 'capture', machineName: 'g1', sensorNo: '1', capturedAtProblem: expect.stringMatching(/is not a real date and time/) });
      expect(resolveIngest(name, {})).toEqual({ ok: false, problems: [{ field: 'collected_at', message: expect.stringMatching(/not a real date.*pass collected_at/) }] });
    }
    // The request's collected_at stands in for a name that cannot date the capture.
    expect(resolveIngest('g1_sensor1_20260230T000000Z.csv', { collectedAt: '2026-03-01T00:00:00.000Z' })).toMatchObject({ ok: true });
  });

  it('refuses names from a file name that the database columns cannot hold', () => {
    expect(resolveIngest(`g${'9'.repeat(60)}_sensor1.csv`, {})).toMatchObject({ ok: false, problems: [{ field: 'machine_name' }] });
    expect(resolveIngest(`g1_sensor${'1'.repeat(21)}.csv`, {})).toMatchObject({ ok: false, problems: [{ field: 'sensor_no' }] });
    expect(resolveIngest(`run-${'x'.repeat(61)}.dat`, {})).toMatchObject({ ok: false, problems: [{ field: 'file', message: expect.stringMatching(/lot code/) }] });
    expect(resolveIngest('line 1.dat', {})).toMatchObject({ ok: false });
    expect(resolveIngest('line1-run7.dat', {})).toEqual({ ok: true, value: { kind: 'tep', lotCode: 'line1-run7', faultLabel: undefined, startTime: undefined } });
  });

  it.each(['report\u202evsc.exe', 'g1_sensor1\u200b.csv', 'g1\u0085.csv'])('refuses the file name %j: it would not show as it is', (name) => {
    expect(unsafeFileNameReason(name)).toMatch(/characters/);
  });

  it('names what is wrong with a line: a bare CR, a header out of order, spaces, invisible characters', () => {
    const capture = FORMATS.capture;
    expect(checkLine('Time,Value\r0,0.1\r0.1,0.2', capture)).toEqual({ reason: expect.stringMatching(/carriage return \(CR\)/) });
    expect(checkLine('Value,Time', capture)).toEqual({ reason: 'is a header of Value, Time; the columns must be Time, Value, in that order' });
    expect(checkLine('time,TIME', capture)).toEqual({ reason: 'is a header of time, TIME; the columns must be Time, Value, in that order' });
    expect(checkLine('0.1, 0.2', capture)).toEqual({ reason: "column 'Value' has spaces around the number (' 0.2')" });
    expect(checkLine('0.1,0.\u200b2', capture)).toEqual({ reason: "column 'Value' is not a number ('0.<U+200B>2')" });
    expect(checkLine('0.1,0.2', capture)).toMatchObject({ values: [0.1, 0.2] });
  });

  it('takes a header with invisible formatting characters, which no one can see to remove', () => {
    expect(isHeader(['\u200bTime', 'Value\u200f'], FORMATS.capture)).toBe(true);
    expect(isHeader(['\u200bTime', 'Value\u200f', 'x'], FORMATS.capture)).toBe(false);
  });

  it('rejects a capture whose times go back or repeat, wherever the line, and leaves recordings alone', async () => {
    const rows = Array.from({ length: 20 }, (_, i) => `${(i / 1000).toFixed(3)},${i}`);
    const file = (name: string, lines: string[], header = 'Time,Value') => {
      const at = path.join(dir, name);
      fs.writeFileSync(at, `${header}\n${lines.join('\n')}\n`);
      return at;
    };
    const opts = { keepRejected: 5, chunkRows: 10 };
    expect(await validateCsvFile(file('ok.csv', rows), 'capture', opts)).toMatchObject({ rowsRead: 20, rowsRejected: 0 });
    const back = [...rows];
    [back[14], back[15]] = [back[15], back[14]];
    await expect(validateCsvFile(file('back.csv', back), 'capture', opts)).rejects.toThrow(
      new FileFormatError("line 17: Time 0.014 does not come after 0.015 (line 16); a capture's samples must be in time order, each time once"),
    );
    const twice = [...rows.slice(0, 2), '0.001,7', ...rows.slice(2)];
    await expect(validateCsvFile(file('twice.csv', twice), 'capture', opts)).rejects.toThrow(/line 4: Time 0.001 does not come after 0.001 \(line 3\)/);
    // A bad line is counted as bad, not as a time.
    const bad = [...rows];
    bad[5] = 'x,1';
    expect(await validateCsvFile(file('bad.csv', bad), 'capture', opts)).toMatchObject({ rowsRejected: 1 });
    const recording = back.map((l) => `${l},0,0,0`);
    expect(await validateCsvFile(file('g1_sensor1.csv', recording, 'Time,Normal,Type 1,Type 2,Type 3'), 'vibration', opts)).toMatchObject({ rowsRead: 20, rowsRejected: 0 });
  });
});
