import { ApplicationFailure, proxyActivities, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  describeJobFailure,
  INVALID_INPUT,
  isoWeek,
  plantDay,
  previousIsoWeekMonday,
  progressQuery,
  SCHEDULED_START_TIME,
  TASK_QUEUES,
  type JobProgress,
  type ReportInput,
  type ReportResult,
  type ReportRetentionInput,
  type ReportRetentionResult,
  type WeeklyReportInput,
} from '@him/contracts';
import type { ReportActivities } from '../activities/report/report.activities';

const DAY_MS = 86_400_000;

// Gathering and publishing are database work (I/O queue); rendering is CPU work. Gathering and rendering heartbeat
// while they run, so a worker killed mid-way is noticed within the heartbeat timeout and the step runs again from the
// start (a half-written temporary file is never published); the other steps are a few writes each, with a short
// timeout for the same reason (the chaos suite found a report waiting 5 minutes on a killed worker's gathering).
const io = proxyActivities<ReportActivities>({
  taskQueue: TASK_QUEUES.io,
  startToCloseTimeout: '2 minutes',
  retry: { maximumAttempts: 10, maximumInterval: '30 seconds' },
});
const gather = proxyActivities<ReportActivities>({
  taskQueue: TASK_QUEUES.io,
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { maximumAttempts: 10, maximumInterval: '30 seconds' },
});
const render = proxyActivities<ReportActivities>({
  taskQueue: TASK_QUEUES.cpu,
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { maximumAttempts: 5, initialInterval: '2 seconds', maximumInterval: '1 minute' },
});

/**
 * Renders a report: gathers what it shows into a document (its data window, model versions and row counts recorded on
 * the report), renders each format from that document on the CPU queue (in parallel), then publishes the files in one
 * write. A report that cannot be rendered is marked failed with the reason, so the API never waits on it.
 */
export async function generateReport(input: ReportInput): Promise<ReportResult> {
  const { reportId } = input;
  const progress: JobProgress = { phase: 'gathering', done: 0, total: null, unit: 'files' };
  setHandler(progressQuery, () => progress);
  try {
    setCurrentDetails(`gathering the data of report ${reportId}`);
    const prepared = await gather.prepareReport.executeWithOptions({ summary: `gather report ${reportId}` }, [reportId, workflowInfo().workflowId]);
    progress.phase = 'rendering';
    progress.total = prepared.formats.length;
    setCurrentDetails(
      `rendering ${prepared.formats.join(' and ')} (${Object.entries(prepared.rows)
        .map(([table, n]) => `${n} ${table}`)
        .join(', ')})`,
    );
    const files = await Promise.all(
      prepared.formats.map(async (format) => {
        const file = await render.renderReport.executeWithOptions({ summary: `render ${format}` }, [reportId, format]);
        progress.done += 1;
        return file;
      }),
    );
    progress.phase = 'publishing';
    await io.publishReport.executeWithOptions({ summary: 'publish the files' }, [reportId, files]);
    progress.phase = 'done';
    setCurrentDetails(`ready: ${files.map((f) => `${f.format} ${f.bytes} bytes`).join(', ')}`);
    return { report_id: reportId, status: 'ready', files, rows: prepared.rows };
  } catch (err) {
    const failure = describeJobFailure(err);
    setCurrentDetails(`failed: ${failure.message}`);
    await io.failReport.executeWithOptions({ summary: 'mark the report failed' }, [reportId, failure.message]);
    throw err;
  }
}

/** The `weekly-report` schedule's run: the report of the ISO week before the run's (scheduled) start, in the plant's timezone. */
export async function weeklyReport(input: WeeklyReportInput): Promise<ReportResult> {
  const info = workflowInfo();
  const today = plantDay(info.typedSearchAttributes.get(SCHEDULED_START_TIME) ?? info.startTime, input.timezone);
  const from = previousIsoWeekMonday(today);
  setCurrentDetails(`opening the report of ${isoWeek(from)}`);
  const opened = await io.openWeeklyReport.executeWithOptions({ summary: `open the report of ${isoWeek(from)}` }, [from, input.formats, input.lang]);
  // Already made (by an earlier run or by hand): the same report is not rendered twice.
  if (opened.ready) return opened.ready;
  return generateReport({ reportId: opened.reportId });
}

/**
 * Deletes the files of reports created more than `olderThanDays` days before the run started, a batch at a time; each
 * report's row stays (status purged, GET download answers 410) and each purge is written to the audit log.
 */
export async function reportRetention(input: ReportRetentionInput): Promise<ReportRetentionResult> {
  if (!(input.olderThanDays >= 1) || !(input.batchSize >= 1)) {
    throw ApplicationFailure.nonRetryable(`report retention needs olderThanDays ≥ 1 and batchSize ≥ 1 (got ${input.olderThanDays}, ${input.batchSize})`, INVALID_INPUT);
  }
  const cutoff = new Date(workflowInfo().startTime.getTime() - input.olderThanDays * DAY_MS).toISOString();
  const progress: JobProgress = { phase: 'purging', done: 0, total: null, unit: 'reports' };
  setHandler(progressQuery, () => progress);
  let bytes = 0;
  for (;;) {
    setCurrentDetails(`purging reports created before ${cutoff.slice(0, 10)} · ${progress.done} purged`);
    const batch = await io.purgeExpiredReports.executeWithOptions({ summary: `purge up to ${input.batchSize} reports` }, [cutoff, input.batchSize]);
    progress.done += batch.purged;
    bytes += batch.bytes;
    if (batch.purged < input.batchSize) break;
  }
  progress.phase = 'done';
  setCurrentDetails(`done · ${progress.done} reports purged (${bytes} bytes), created before ${cutoff.slice(0, 10)}`);
  return { cutoff, purged: progress.done, bytes };
}
