// How bad a detector's alarm is: its score as a multiple of the alarm threshold (an alarm is score > threshold).

export const ANOMALY_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type AnomalySeverity = (typeof ANOMALY_SEVERITIES)[number];

/** Each severity up to (not including) this multiple of the threshold; critical from the last one up. */
export const SEVERITY_UPPER_RATIOS: Readonly<Record<Exclude<AnomalySeverity, 'critical'>, number>> = { low: 1.5, medium: 2, high: 4 };

/** The rule in words, for the API's description and the docs. */
export const SEVERITY_RULE =
  `severity from score / threshold (an alarm is score > threshold): low below ${SEVERITY_UPPER_RATIOS.low}×, ` +
  `medium below ${SEVERITY_UPPER_RATIOS.medium}×, high below ${SEVERITY_UPPER_RATIOS.high}×, critical from ${SEVERITY_UPPER_RATIOS.high}×`;

/** The severity of an alarm with this score at this (positive) threshold. */
export function anomalySeverity(score: number, threshold: number): AnomalySeverity {
  const ratio = score / threshold;
  if (ratio < SEVERITY_UPPER_RATIOS.low) return 'low';
  if (ratio < SEVERITY_UPPER_RATIOS.medium) return 'medium';
  if (ratio < SEVERITY_UPPER_RATIOS.high) return 'high';
  return 'critical';
}
