import * as pulumi from "@pulumi/pulumi";

/**
 * Strict reading of resource inputs: a handler names every field it carries out, and an input
 * field it does not name fails the run instead of being silently dropped.
 */

export class UnhandledField extends Error {
  constructor(where: string, field: string) {
    super(`the harness does not carry out input field "${field}" of ${where}`);
  }
}

/** Throws unless every key of `object` is in `handled`; returns the object typed loosely. */
export function only(where: string, object: unknown, handled: string[]): Record<string, any> {
  if (object === undefined || object === null) {
    return {};
  }
  if (typeof object !== "object") {
    throw new Error(`${where}: expected an object, got ${JSON.stringify(object)}`);
  }
  for (const key of Object.keys(object)) {
    if (!handled.includes(key)) {
      throw new UnhandledField(where, key);
    }
  }
  return object as Record<string, any>;
}

/** Removes Pulumi's secret wrappers, recursively; the harness acts on plain values. */
export function reveal(value: unknown): any {
  if (Array.isArray(value)) {
    return value.map(reveal);
  }
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (pulumi.runtime.specialSigKey in record) {
      return reveal(record.value);
    }
    return Object.fromEntries(Object.entries(record).map(([key, inner]) => [key, reveal(inner)]));
  }
  return value;
}

/** JSON with sorted keys, so equal inputs compare equal whatever their key order. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner) =>
    inner !== null && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  );
}
