/**
 * Placeholders in the configured client flags and init arguments. They let a fork with other
 * flag names use the network through configuration alone.
 */
export const PLACEHOLDERS = [
  "datadir",
  "nodekey",
  "genesis",
  "ip",
  "p2pPort",
  "rpcPort",
  "subnet",
  "networkId",
  "bootnodes",
  "verbosity",
] as const;

export type Placeholder = (typeof PLACEHOLDERS)[number];

export type PlaceholderValues = Record<Placeholder, string>;

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)\}/g;

/** The placeholder names used in one argument, known or not. */
export function placeholdersIn(arg: string): string[] {
  return [...arg.matchAll(PLACEHOLDER)].map((match) => match[1]);
}

/** Replaces every `{name}` in `arg`; unknown names are left as written. */
export function expand(arg: string, values: PlaceholderValues): string {
  return arg.replace(PLACEHOLDER, (whole, name: string) =>
    name in values ? values[name as Placeholder] : whole,
  );
}
