import type { TaskErrorData } from './tasks/types.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Any thrown value as plain {@link TaskErrorData}.
 */
export function toErrorData(error: unknown): TaskErrorData {
  if (error instanceof Error) {
    const data: Mutable<TaskErrorData> = { name: error.name, message: error.message };
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') data.code = code;
    if (error.stack !== undefined) data.stack = error.stack;
    return Object.freeze(data);
  }
  return Object.freeze({ name: 'NonError', message: String(error) });
}
