// Only methods declared as activities become Temporal activities: a private helper of an activity class
// (IngestActivities' resolve or prepareTarget) must not be callable from a workflow start or the Temporal UI.
import type { INestApplicationContext } from '@nestjs/common';
import { collectActivities } from '../../apps/worker/src/activities';

/** Instances without their dependencies: registration only looks at which methods are declared. */
const app = { get: (cls: { prototype: object }) => Object.create(cls.prototype) } as unknown as INestApplicationContext;

describe('activity registration', () => {
  const registered = Object.keys(collectActivities(app));

  it('registers the declared activities of every job', () => {
    expect(registered).toEqual(
      expect.arrayContaining([
        'findIngestedFile',
        'openIngest',
        'validateIngestFile',
        'loadIngestChunk',
        'closeIngest',
        'failIngest',
        'buildTrainingSet',
        'trainChallenger',
        'evaluateChallenger',
        'registerChallenger',
        'promoteModelVersion',
        'countExpiredAuditEntries',
        'purgeExpiredAuditEntries',
        'diagnoseLot',
      ]),
    );
  });

  it('runs the lot diagnosis on the CPU queue (inference)', () => {
    expect(Object.keys(collectActivities(app, 'cpu'))).toContain('diagnoseLot');
  });

  it('registers no private helper', () => {
    for (const helper of [
      'resolve',
      'prepareTarget',
      'reject',
      'recordRejections',
      'ensureEquipment',
      'chunkSource',
      'allowedCutoff',
      'detect',
      'forecast',
      'readPastWatermark',
      'commit',
    ])
      expect(registered).not.toContain(helper);
  });
});
