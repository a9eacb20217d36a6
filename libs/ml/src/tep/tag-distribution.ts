import { FORMATS } from '@him/ingest';
import { featureDistribution, type FeatureDistribution } from '../drift';

/**
 * The distribution the sweep measures a TEP detector's drift against: each tag's values in the normal runs it was
 * fitted on, as one class `normal` (the sweep counts only the observations the detector did not alarm on).
 */
export function tepTagDistribution(normalRuns: readonly (readonly (readonly number[])[])[], tags: readonly string[] = FORMATS.tep.columns): FeatureDistribution {
  const rows = normalRuns.flatMap((run) => run.flatMap((observation) => [...observation]));
  return featureDistribution(tags, [{ label: 'normal', rows }]);
}
