import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Fields every log line written while a unit of work runs should carry (the
 * job id and name, the deployment it is about), without threading a child
 * logger through every function that logs. The logger's mixin reads it.
 */
export type LogFields = Readonly<Record<string, string | number | undefined>>;

const storage = new AsyncLocalStorage<LogFields>();

/** Runs `fn` with `fields` added to every line logged inside it (nested calls add to the outer fields). */
export function withLogContext<T>(fields: LogFields, fn: () => T): T {
  const outer = storage.getStore();
  return storage.run(outer ? { ...outer, ...fields } : fields, fn);
}

export function currentLogContext(): LogFields | undefined {
  return storage.getStore();
}
