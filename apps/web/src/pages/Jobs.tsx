import { useCallback, useState } from 'react';
import { useCan } from '../session';
import { Ingest } from './jobs/Ingest';
import { JobList } from './jobs/JobList';
import { Schedules } from './jobs/Schedules';

/** Running and recent workflows, the schedules that start them, and (operators) ingest by drag-and-drop. */
export default function Jobs() {
  const can = useCan();
  const [refreshKey, setRefreshKey] = useState(0);
  // A job started on this page should show in the list at once, not at the next poll.
  const refresh = useCallback(() => setRefreshKey((k) => k + 1), []);
  return (
    <div className="page" data-testid="page-jobs">
      {/* What a user acts on first: a file to load, the schedules; then what ran. */}
      {can.write && <Ingest onStarted={refresh} />}
      <Schedules onStarted={refresh} />
      <JobList refreshKey={refreshKey} />
    </div>
  );
}
