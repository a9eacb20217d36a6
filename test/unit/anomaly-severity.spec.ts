import { anomalySeverity } from '@him/contracts';

describe('anomaly severity', () => {
  it('grades an alarm by its score as a multiple of the threshold: low < 1.5×, medium < 2×, high < 4×, critical from 4×', () => {
    const threshold = 2.5;
    const graded = [1.01, 1.49, 1.5, 1.99, 2, 3.99, 4, 40].map((ratio) => anomalySeverity(ratio * threshold, threshold));
    expect(graded).toEqual(['low', 'low', 'medium', 'medium', 'high', 'high', 'critical', 'critical']);
  });
});
