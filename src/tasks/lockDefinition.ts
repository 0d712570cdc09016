/** The fields of a task definition that are validated once, at construction. */
const DEFINITION_FIELDS = ['type', 'name', 'run', 'options'] as const;

/**
 * Makes a task definition's fields read-only at run time as well: TypeScript's `readonly` holds
 * only at compile time, and a name or body changed after construction would skip the validation
 * the constructor did. Assigning to one then throws a TypeError (in strict mode code).
 *
 * @remarks The object itself stays extensible: a subclass may still add fields of its own.
 */
export function lockDefinition(task: object): void {
  for (const key of DEFINITION_FIELDS) {
    Object.defineProperty(task, key, { writable: false, configurable: false });
  }
}
