// Reliability: a worker killed with SIGKILL in the middle of a large ingest, then started again, leaves
// exactly the rows of the file: none lost, none doubled, and a ledger that reconciles. The oversize-file
// limit is checked here too, with a small configured limit.
import type { ChildProcess } from 'node:child_process';
import { createConnection, type Connection } from 'mysql2/promise';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { vibrationCsv } from '../support/ingest-files';
import { ADMIN_KEY, eventually, spawnWorkerProcess, TestStack } from '../support/stack';

const describeMysql = process.env.TEST_MYSQL_URL ? describe : describe.skip;

describeMysql('ingest survives a killed worker (MariaDB)', () => {
  let db: TestDatabase;
  let stack: TestStack;
  let sql: Connection;
  let worker: ChildProcess | undefined;

  const startWorker = (): ChildProcess => spawnWorkerProcess(stack, db, 'ingest-kill');

  beforeAll(async () => {
    db = await createTestDatabase('mysql', 'ingest_kill');
    stack = await TestStack.start({ db, namespace: 'ingest-kill', worker: false, env: { INGEST_MAX_BYTES: String(40 * 1024 * 1024) } });
    sql = await createConnection(db.env.DATABASE_URL);
  });

  afterAll(async () => {
    worker?.kill('SIGKILL');
    await sql?.end();
    await stack?.close();
    await db?.drop();
  });

  it('loses no row and duplicates none when the worker is SIGKILLed mid-ingest and restarted', async () => {
    const rows = 800_000;
    worker = startWorker();
    const started = await stack.upload('g9_sensor1.csv', vibrationCsv(rows));
    expect(started.status).toBe(202);

    // Kill it once some chunks are committed and the ingest is still far from done.
    const committedAtKill = await eventually(
      async () => {
        const [r] = await sql.query<any[]>('select count(*) as n from ingest_chunk');
        return r[0].n >= 1 ? Number(r[0].n) : undefined;
      },
      60_000,
      'a committed chunk',
    );
    worker.kill('SIGKILL');
    await new Promise((r) => worker!.once('exit', r));
    const [[{ n: rowsAtKill }]] = await sql.query<any[]>('select count(*) as n from vibration_data');
    expect(Number(rowsAtKill)).toBeLessThan(rows);
    expect((await stack.http('GET', `/api/v1/jobs/${started.body.workflow_id}`, { key: ADMIN_KEY })).body.status).toBe('running');

    worker = startWorker();
    const job = await stack.finishedJob(started.body.workflow_id, 120_000);
    expect(job.status).toBe('completed');
    expect(job.result).toMatchObject({ rows_read: rows, rows_inserted: rows, rows_duplicate: 0, rows_rejected: 0 });

    const [[counts]] = await sql.query<any[]>(
      "select count(*) as n, count(distinct measured_time) as distinct_times from vibration_data where machine_name = 'g9' and sensor_no = '1'",
    );
    expect(Number(counts.n)).toBe(rows);
    expect(Number(counts.distinct_times)).toBe(rows);
    const [[chunks]] = await sql.query<any[]>('select count(*) as n, sum(rows_inserted) as inserted from ingest_chunk where ingest_id = ?', [job.result.ingest_id]);
    expect(Number(chunks.n)).toBe(Math.ceil(rows / 50_000));
    expect(Number(chunks.inserted)).toBe(rows);
    expect(committedAtKill).toBeGreaterThanOrEqual(1);
    // Two worker starts, a heartbeat timeout and 800 k rows: about a minute on a busy 2-core machine.
  }, 180_000);

  it('refuses a file over the configured size limit with 413, storing nothing', async () => {
    const big = vibrationCsv(900_000); // ≈43 MB, over the 40 MiB limit of this stack
    const res = await stack.upload('g8_sensor1.csv', big);
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE', message: expect.stringMatching(/larger than the limit/) });
    const [[{ n }]] = await sql.query<any[]>("select count(*) as n from ingest where file_name = 'g8_sensor1.csv'");
    expect(Number(n)).toBe(0);
  });
});
