import type { TaskQueueKind } from '@him/contracts';

const DECLARED = new WeakMap<object, Map<string, TaskQueueKind>>();

/**
 * Declares a method of an activity class a Temporal activity, polled on the given task queue (I/O unless said).
 * Only declared methods are registered: the class's helpers stay out of reach of workflow starts and the Temporal UI.
 */
export function Activity(options: { queue?: TaskQueueKind } = {}): MethodDecorator {
  return (prototype, name) => {
    const declared = DECLARED.get(prototype) ?? new Map<string, TaskQueueKind>();
    declared.set(String(name), options.queue ?? 'io');
    DECLARED.set(prototype, declared);
  };
}

/** The activities a class declares, by method name, with the queue each is polled on. */
export function declaredActivities(cls: { prototype: object }): ReadonlyMap<string, TaskQueueKind> {
  return DECLARED.get(cls.prototype) ?? new Map();
}
