import type { INestApplicationContext, Type } from '@nestjs/common';
import type { TaskQueueKind } from '@him/contracts';
import { ACTIVITY_CLASSES } from '../../../activities';
import { declaredActivities } from '../../../activities/activity.decorator';

type ActivityFunction = (...args: unknown[]) => Promise<unknown>;

/**
 * The flat name → function map a Temporal Worker takes: the methods each injected activity class declares with
 * `@Activity()` (never its other methods), those of one task queue when `queue` is given.
 */
export function collectActivities(app: INestApplicationContext, queue?: TaskQueueKind): Record<string, ActivityFunction> {
  const activities: Record<string, ActivityFunction> = {};
  const seen = new Set<string>();
  for (const cls of ACTIVITY_CLASSES as readonly Type[]) {
    const instance = app.get<unknown, Record<string, unknown>>(cls);
    for (const [name, declaredQueue] of declaredActivities(cls)) {
      if (seen.has(name)) throw new Error(`Activity name ${name} is declared twice (${cls.name})`);
      seen.add(name);
      const method = instance[name];
      if (typeof method !== 'function') throw new Error(`${cls.name}.${name} is declared an activity but is not a method`);
      if (queue === undefined || declaredQueue === queue) activities[name] = (method as ActivityFunction).bind(instance);
    }
  }
  return activities;
}
