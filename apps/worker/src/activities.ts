import type { INestApplicationContext, Type } from '@nestjs/common';
import { ACTIVITY_CLASSES } from '../../../activities';

/** Turns the injected activity classes into the flat name → function map a Temporal Worker takes. */
export function collectActivities(app: INestApplicationContext): Record<string, (...args: unknown[]) => Promise<unknown>> {
  const activities: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const cls of ACTIVITY_CLASSES as readonly Type[]) {
    const instance = app.get(cls);
    for (const name of Object.getOwnPropertyNames(cls.prototype)) {
      if (name === 'constructor' || typeof instance[name] !== 'function') continue;
      if (activities[name]) throw new Error(`Activity name ${name} is defined twice (${cls.name})`);
      activities[name] = instance[name].bind(instance);
    }
  }
  return activities;
}
