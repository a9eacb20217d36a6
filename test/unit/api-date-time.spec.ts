// The OpenAPI document advertises UTC_DATE_TIME_PATTERN for every date-time field the API parses with
// parseUtcDateTime; a client that trusts the pattern must never be refused, and the pattern must not be looser.
import { parseUtcDateTime, UTC_DATE_TIME_PATTERN } from '../../apps/api/src/vibration/vibration.validation';

const pattern = new RegExp(UTC_DATE_TIME_PATTERN);
const years = ['1969', '1970', '1971', '1972', '1973', '1900', '2000', '2024', '2100', '2400', '9996', '9998', '9999', '0999'];
const monthDays = ['01-01', '01-31', '01-32', '02-28', '02-29', '02-30', '04-30', '04-31', '06-31', '11-30', '12-31', '12-32', '13-01', '00-10', '07-00'];
const times = ['', 'T00:00', 'T23:59', 't12:30', ' 08:15:30', 'T23:59:59.999', 'T00:00:00.123456789', 'T00:00:00.1234567890', 'T24:00', 'T12:60', 'T12:00:60', 'T1:00'];
const zones = ['', 'Z', 'z', '+00:00', '-00:00', '+0000', '+01:00', '-01:00', '+23:59', '-2359', '+24:00', '-00:60', '+1', 'UTC'];

function* candidates(): Generator<string> {
  for (const y of years) for (const md of monthDays) for (const t of times) for (const z of zones) yield `${y}-${md}${t}${z}`;
  yield* ['', 'now', '2026-11-01T00:00:00Z ', ' 2026-11-01', '20261101', '2026-1-01', '2026-11-01T00:00:00+01:00:00', '２０２６-11-01'];
}

describe('UTC_DATE_TIME_PATTERN', () => {
  const all = [...candidates()];

  it('admits only what parseUtcDateTime accepts', () => {
    const admittedButRefused = all.filter((text) => pattern.test(text) && parseUtcDateTime(text) === undefined);
    expect(admittedButRefused).toEqual([]);
  });

  it('admits everything parseUtcDateTime accepts but some offsets at the ends of the range', () => {
    // 1970-01-01T05:00+01:00 and 1969-12-31T23:00-02:00 are inside it; the pattern leaves such offsets out there.
    const edge = /^(1969-12-31|1970-01-01|9999-12-31).*[+-]/;
    const acceptedButNotAdmitted = all.filter((text) => parseUtcDateTime(text) !== undefined && !pattern.test(text) && !edge.test(text));
    expect(acceptedButNotAdmitted).toEqual([]);
  });

  it('refuses offsets beyond ±23:59, as RFC 3339 does (they used to shift the instant by up to four days)', () => {
    for (const text of ['2026-11-01T00:00:00+24:00', '2026-11-01T00:00:00-99:99', '2026-11-01T00:00:00+12:60']) expect([text, parseUtcDateTime(text)]).toEqual([text, undefined]);
    expect(parseUtcDateTime('2026-11-01T00:00:00-23:59')).toEqual(new Date('2026-11-01T23:59:00Z'));
  });

  it('covers the everyday forms', () => {
    for (const text of ['2026-11-22T08:00:00.000Z', '2026-11-22T08:00:00+01:00', '2026-11-22 08:00:00', '2026-11-22', '2024-02-29T00:00:00Z', '1970-01-01T00:00:00Z']) {
      expect([text, pattern.test(text)]).toEqual([text, true]);
    }
    for (const text of ['2026-02-29T00:00:00Z', '2100-02-29', '1969-12-31T23:59:59Z', '1970-01-01T00:00:00+01:00', '9999-12-31T23:00:00-01:00']) {
      expect([text, pattern.test(text)]).toEqual([text, false]);
    }
  });
});
