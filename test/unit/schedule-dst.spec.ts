import { dstClockProblem } from '@him/temporal';

describe('dstClockProblem (a daily schedule time the local clock skips or repeats)', () => {
  const from = new Date('2027-01-01T00:00:00Z');

  it('names the night a DST zone has no 02:00, and the night it has 01:30 twice', () => {
    expect(dstClockProblem({ cron: '0 2 * * *', timezone: 'America/New_York' }, from)).toBe(
      '02:00 does not occur in America/New_York on 2027-03-14 (clocks go forward): that night has no run',
    );
    expect(dstClockProblem({ cron: '30 1 * * *', timezone: 'America/New_York' }, from)).toBe(
      '01:30 occurs twice in America/New_York on 2027-11-07 (clocks go back): that night has two runs',
    );
    expect(dstClockProblem({ cron: '30 2 * * *', timezone: 'Europe/Berlin' }, from)).toMatch(/^02:30 does not occur in Europe\/Berlin on 2027-03-28/);
  });

  it('finds nothing for a zone without DST, a time away from the change, or a cron that is not one daily time', () => {
    expect(dstClockProblem({ cron: '0 2 * * *', timezone: 'Asia/Seoul' }, from)).toBeNull();
    expect(dstClockProblem({ cron: '0 2 * * *', timezone: 'UTC' }, from)).toBeNull();
    expect(dstClockProblem({ cron: '0 4 * * *', timezone: 'America/New_York' }, from)).toBeNull();
    expect(dstClockProblem({ cron: '@daily', timezone: 'America/New_York' }, from)).toBeNull();
  });
});
