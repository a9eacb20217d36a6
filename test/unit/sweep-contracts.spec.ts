// The sweep's small shared helpers (safe in workflow code): the plant's day of an instant, capture stream keys, and how
// many capture streams go to one activity.
import { captureStreamKey, captureStreamShardSize, InvalidInputError, MAX_STREAMS_PER_SHARD, parseCaptureStreamKey, plantDay } from '@him/contracts';

describe('plantDay', () => {
  it('is the calendar date in the plant timezone, not in UTC', () => {
    expect(plantDay(new Date('2026-11-01T14:59:59Z'), 'Asia/Seoul')).toBe('2026-11-01');
    expect(plantDay(new Date('2026-11-01T15:00:00Z'), 'Asia/Seoul')).toBe('2026-11-02');
    expect(plantDay(new Date('2026-11-01T15:00:00Z'), 'UTC')).toBe('2026-11-01');
  });

  it('follows daylight saving time', () => {
    // New York: EDT (UTC−4) until 2026-11-01 02:00 local, EST (UTC−5) after.
    expect(plantDay(new Date('2026-11-01T03:30:00Z'), 'America/New_York')).toBe('2026-10-31');
    expect(plantDay(new Date('2026-11-01T04:30:00Z'), 'America/New_York')).toBe('2026-11-01');
    expect(plantDay(new Date('2026-11-02T04:30:00Z'), 'America/New_York')).toBe('2026-11-01');
    expect(plantDay(new Date('2026-11-02T05:00:00Z'), 'America/New_York')).toBe('2026-11-02');
  });
});

describe('capture stream keys', () => {
  it('round-trip machine and sensor, and refuse a key without both', () => {
    expect(captureStreamKey('g3', '1')).toBe('g3/1');
    expect(parseCaptureStreamKey('g3/1')).toEqual({ machineName: 'g3', sensorNo: '1' });
    for (const bad of ['g3', '/1', 'g3/']) expect(() => parseCaptureStreamKey(bad)).toThrow(InvalidInputError);
  });
});

describe('captureStreamShardSize', () => {
  it('gives each lane about two shards, at least one stream each and at most MAX_STREAMS_PER_SHARD', () => {
    expect(captureStreamShardSize(20, 2)).toBe(5);
    expect(captureStreamShardSize(7, 3)).toBe(2);
    expect(captureStreamShardSize(3, 8)).toBe(1);
    expect(captureStreamShardSize(0, 2)).toBe(1);
    expect(captureStreamShardSize(10_000, 2)).toBe(MAX_STREAMS_PER_SHARD);
  });
});
