import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import multipart from '@fastify/multipart';
import Fastify from 'fastify';
import { inputFiles, multipartBody } from '../../apps/tools/src/ingest';

describe('ingest CLI', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ingest-cli-'));
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('streams a body that the API’s multipart parser reads back field by field', async () => {
    const file = path.join(dir, 'g1 "odd".csv');
    const content = '0.000000,1.000000,2.000000,3.000000,4.000000\n'.repeat(5000);
    fs.writeFileSync(file, content);
    // The same parser as the API (apps/api/src/app.factory.ts), with the same preservePath option.
    const app = Fastify();
    await app.register(multipart);
    app.post('/upload', async (req) => {
      const seen: Record<string, string> = {};
      for await (const part of req.parts({ preservePath: true })) {
        if (part.type === 'file') seen[`file:${part.filename}`] = (await part.toBuffer()).toString();
        else seen[part.fieldname] = String(part.value);
      }
      return seen;
    });
    let counted = 0;
    const boundary = 'test-boundary-1234';
    const res = await app.inject({
      method: 'POST',
      url: '/upload',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: Readable.from(multipartBody(boundary, { kind: 'vibration', max_errors: '3' }, file, (n) => (counted += n))),
    });
    await app.close();

    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ kind: 'vibration', max_errors: '3', 'file:g1 %22odd%22.csv': content });
    expect(counted).toBe(Buffer.byteLength(content));
  });

  it('takes a directory’s CSV and DAT files in order, without truth tables', () => {
    for (const name of ['b.csv', 'a.dat', 'captures-truth.csv', 'notes.txt']) fs.writeFileSync(path.join(dir, name), 'x');
    fs.mkdirSync(path.join(dir, 'nested.csv'));
    const single = path.join(dir, 'notes.txt');

    expect(inputFiles([dir, single])).toEqual([path.join(dir, 'a.dat'), path.join(dir, 'b.csv'), single]);
    expect(() => inputFiles([path.join(dir, 'missing.csv')])).toThrow(/no such file or directory/);
    fs.mkdirSync(path.join(dir, 'empty'));
    expect(() => inputFiles([path.join(dir, 'empty')])).toThrow(/no \*\.csv or \*\.dat files/);
  });
});
