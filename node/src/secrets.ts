/**
 * Credentials in results (a mailbox's password, app password and
 * authenticator secret, a platform login's password) stay readable as
 * properties and in `JSON.stringify` (callers store them), but
 * `console.log` / `util.inspect` print them as `'<redacted>'`, as the core's
 * `Debug`, Python's `repr` and Kotlin's `toString` do: a result logged while
 * debugging does not leak a mailbox's password into the logs.
 *
 * The names are the core's `SECRET_FIELDS` (`cmr::models::SECRET_FIELDS`),
 * camelCased as they arrive here; a test checks both agree.
 */
import { inspect, type InspectOptions } from 'node:util';

/** The JSON names of credential fields. */
export const SECRET_FIELDS: readonly string[] = ['password', 'appPassword', 'authenticatorSecret'];

const SECRET = new Set(SECRET_FIELDS);
/** The credential fields as keys appear in JSON text: `"appPassword"`. */
const SECRET_KEYS = SECRET_FIELDS.map((f) => JSON.stringify(f));

/**
 * Cheap test on a JSON text: can it hold a credential at all? (Call results
 * do not need it: the addon tests them and settles them as `[id, 2, result]`.)
 */
export function mayHoldSecrets(json: string): boolean {
  return SECRET_KEYS.some((k) => json.includes(k));
}

function redactedInspect(this: Record<string, unknown>, depth: number, options: InspectOptions): string {
  const shown: Record<string, unknown> = {};
  for (const k of Object.keys(this)) {
    const v = this[k];
    shown[k] = SECRET.has(k) && v !== null && v !== undefined ? '<redacted>' : v;
  }
  return inspect(shown, { ...options, depth: options.depth === null ? null : depth });
}

/**
 * Give every object of `value` (at any depth) that has a credential field a
 * non-enumerable `util.inspect.custom` that redacts it. Nothing else of the
 * object changes: not its keys, not its JSON, not `{...spread}` copies'
 * values (a spread copy is a plain object again, printed as is).
 */
export function hideSecrets(value: unknown, depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 64) return;
  if (Array.isArray(value)) {
    for (const v of value) hideSecrets(v, depth + 1);
    return;
  }
  const o = value as Record<string, unknown>;
  let secret = false;
  for (const k of Object.keys(o)) {
    if (SECRET.has(k)) secret = true;
    else hideSecrets(o[k], depth + 1);
  }
  if (secret && !Object.prototype.hasOwnProperty.call(o, inspect.custom)) {
    Object.defineProperty(o, inspect.custom, { value: redactedInspect, enumerable: false, configurable: true, writable: true });
  }
}
