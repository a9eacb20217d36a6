// Champion/challenger: the rule the retrain workflow applies, and the recording split of its training set.
import { decidePromotion, PROMOTION_MARGIN, type Evaluation } from '@him/contracts';
import { tepFaultOnset } from '@him/ml';
import { isHeldOut } from '../../activities/retrain/trainers/vibration-classifier.trainer';

const score = (accuracy: number) => ({ metric: 'accuracy', score: accuracy, samples: 400, details: {} });
const evaluation = (challenger: number, champion: number | null): Evaluation => ({
  challenger: score(challenger),
  champion: champion === null ? null : { version: 1, score: score(champion) },
});

describe('decidePromotion', () => {
  it('auto keeps the champion against a worse, equal or marginally better challenger', () => {
    for (const challenger of [0.8, 0.97, 0.97 + PROMOTION_MARGIN / 2]) {
      expect(decidePromotion('auto', evaluation(challenger, 0.97))).toMatchObject({ promote: false, reason: expect.stringMatching(/champion kept/) });
    }
  });

  it('auto promotes a challenger that wins by the margin (exactly the margin included) or when nothing is active', () => {
    expect(decidePromotion('auto', evaluation(0.99, 0.97)).promote).toBe(true);
    expect(decidePromotion('auto', evaluation(0.985, 0.98)).promote).toBe(true);
    expect(decidePromotion('auto', evaluation(0.5, null))).toMatchObject({ promote: true, reason: expect.stringMatching(/no active version/) });
  });

  it('never and force ignore the scores', () => {
    expect(decidePromotion('never', evaluation(1, 0.2)).promote).toBe(false);
    expect(decidePromotion('force', evaluation(0.2, 1)).promote).toBe(true);
  });

  it('states both scores and the margin in the reason', () => {
    expect(decidePromotion('auto', evaluation(0.9, 0.95), 0.01).reason).toBe(
      'accuracy: challenger 90.00 % vs champion v1 95.00 % on the same held-out set (margin 1.00 %): champion kept',
    );
  });
});

describe('training-set split', () => {
  const heldOut = (count: number) => Array.from({ length: count }, (_, i) => i).filter((i) => isHeldOut(i, count));

  it('holds out every fourth recording: sensor 4 of each machine with 4 sensors', () => {
    expect(heldOut(8)).toEqual([3, 7]);
    expect(heldOut(5)).toEqual([3]);
  });

  it('holds out the last recording when there are fewer than four, keeping at least one to train on', () => {
    expect(heldOut(2)).toEqual([1]);
    expect(heldOut(3)).toEqual([2]);
  });
});

describe('TEP fault onsets (Braatz set)', () => {
  it('counts every row of a training run as faulty and test runs from observation 160 (8 h)', () => {
    expect(tepFaultOnset('d01')).toBe(0);
    expect(tepFaultOnset('d01_te')).toBe(160);
    expect(tepFaultOnset('d01_te.dat')).toBe(160);
  });
});
