import { setMaxListeners } from "events";
import { setTimeout as delay } from "timers/promises";

import { delveTarget, rpcCall } from "./probes";

/**
 * The condition `pulumi up` waits for: every node answers RPC, every client has a peer and
 * every Delve server answers. A client held for the debugger only needs its Delve server. A
 * client that has exited ends the wait at once, since it will not become ready.
 */

export interface ReadinessTarget {
  /** Node name, used in progress and error messages. */
  name: string;
  /** Container name, to check it still runs and to show its log on failure. */
  container: string;
  /** HTTP RPC URL; absent when the client waits for a debugger and so cannot answer yet. */
  rpcUrl?: string;
  /** Whether the node must report at least one peer. */
  needsPeers: boolean;
  /** Delve server to probe, when the node runs under one. */
  delve?: { host: string; port: number };
}

export interface ReadinessPlan {
  targets: ReadinessTarget[];
  timeoutSeconds: number;
}

export interface TargetState {
  rpc: boolean;
  peers: number;
  delve: boolean;
  /** The client's exit code once it has stopped: its container's, or as Delve reports it. */
  exitCode?: number;
}

/** Finds a target's state; `signal` is aborted once its answer is no longer wanted. */
export type Probe = (target: ReadinessTarget, signal: AbortSignal) => Promise<TargetState>;

/** Reports whether a container runs, and its exit code when it does not. */
export type ContainerState = (
  container: string,
) => Promise<{ running: boolean; exitCode: number }>;

/** What still keeps a target from being ready, or an empty list. */
export function pending(target: ReadinessTarget, state: TargetState): string[] {
  if (state.exitCode !== undefined) {
    return [`the client exited with code ${state.exitCode}`];
  }
  const missing: string[] = [];
  if (target.rpcUrl && !state.rpc) {
    missing.push("RPC does not answer");
  }
  if (target.rpcUrl && target.needsPeers && state.peers < 1) {
    missing.push("no peers");
  }
  if (target.delve && !state.delve) {
    missing.push("Delve does not answer");
  }
  return missing;
}

/** Probes a target over the network (`admin_peers`, Delve's state) and its container. */
export function networkProbe(containerState: ContainerState): Probe {
  return async (target, signal) => {
    const [peers, delve, container] = await Promise.all([
      target.rpcUrl
        ? rpcCall<unknown[]>(target.rpcUrl, "admin_peers", [], undefined, signal).then(
            (list) => list.length,
            () => -1,
          )
        : Promise.resolve(-1),
      target.delve
        ? delveTarget(target.delve.host, target.delve.port, undefined, signal).then(
            (state) => ({ answers: true, exitStatus: state.exitStatus }),
            () => ({ answers: false, exitStatus: undefined }),
          )
        : Promise.resolve({ answers: false, exitStatus: undefined }),
      containerState(target.container),
    ]);
    return {
      rpc: peers >= 0,
      peers: Math.max(peers, 0),
      delve: delve.answers,
      exitCode: container.running ? delve.exitStatus : container.exitCode,
    };
  };
}

export interface WaitOptions {
  probe: Probe;
  /** Receives a progress line now and then. */
  progress?: (line: string) => void;
  /** How often every target is probed. Default 250 ms. */
  intervalMs?: number;
  /**
   * Probes of one target that may be unanswered at once, so that one that hangs does not hold
   * the target back while a large network under load is not flooded with more. Default 2.
   */
  maxUnanswered?: number;
  progressEveryMs?: number;
  now?: () => number;
}

export interface WaitResult {
  ready: boolean;
  seconds: number;
  /** Targets not ready at the end, each with what it still lacks. */
  notReady: { target: ReadinessTarget; missing: string[] }[];
}

/** What a target is taken to be before any probe of it has answered. */
const UNANSWERED: TargetState = { rpc: false, peers: 0, delve: false };

/**
 * Probes every target once per interval until all are ready, one has stopped, or the plan's
 * timeout passes. Each target's newest answer counts.
 *
 * Probes overlap rather than wait for each other: just after a container starts, a connection
 * to a port the engine publishes for it can hang for seconds (the engine's proxy accepts it,
 * then waits for the container's network), and a probe stuck that way must not hold back
 * what later probes find. A round's answers are judged as soon as they are all in, or at the
 * next interval with whatever has answered by then.
 */
export async function waitUntilReady(
  plan: ReadinessPlan,
  options: WaitOptions,
): Promise<WaitResult> {
  const now = options.now ?? Date.now;
  const intervalMs = options.intervalMs ?? 250;
  const maxUnanswered = options.maxUnanswered ?? 2;
  const progressEveryMs = options.progressEveryMs ?? 5000;
  const started = now();
  let reported = 0;

  const probes = plan.targets.map(() => ({
    state: UNANSWERED,
    /** The round whose answer `state` is; answers from older rounds are dropped. */
    round: -1,
    unanswered: 0,
  }));
  let failure: { error: unknown } | undefined;
  // Ends the probes still out when the wait is over, so none keeps the process alive. Every
  // probe out listens to it, past Node's default of 10 listeners on a network of a few nodes.
  const done = new AbortController();
  setMaxListeners(0, done.signal);

  try {
    for (let round = 0; ; round++) {
      const answers = plan.targets.map(async (target, i) => {
        const entry = probes[i];
        if (entry.unanswered >= maxUnanswered) {
          return;
        }
        entry.unanswered++;
        try {
          const state = await options.probe(target, done.signal);
          if (round > entry.round) {
            entry.state = state;
            entry.round = round;
          }
        } catch (error) {
          if (!done.signal.aborted) {
            failure ??= { error };
          }
        } finally {
          entry.unanswered--;
        }
      });
      // Ends early, and clears its timer, when the wait is over.
      const interval = delay(intervalMs, undefined, { signal: done.signal }).catch(
        () => undefined,
      );
      await Promise.race([Promise.all(answers), interval]);
      if (failure) {
        throw failure.error;
      }

      const states = probes.map((entry) => entry.state);
      const notReady = plan.targets
        .map((target, i) => ({ target, missing: pending(target, states[i]) }))
        .filter((entry) => entry.missing.length > 0);
      const elapsed = now() - started;
      const seconds = Math.round(elapsed / 100) / 10;

      if (notReady.length === 0) {
        options.progress?.(`all ${plan.targets.length} nodes ready after ${seconds}s`);
        return { ready: true, seconds, notReady };
      }
      const stopped = states.some((state) => state.exitCode !== undefined);
      if (stopped || elapsed >= plan.timeoutSeconds * 1000) {
        return { ready: false, seconds, notReady };
      }
      if (elapsed - reported >= progressEveryMs) {
        reported = elapsed;
        options.progress?.(summary(plan.targets, states, seconds));
      }
      await interval;
    }
  } finally {
    done.abort(new Error("the wait is over"));
  }
}

function summary(targets: ReadinessTarget[], states: TargetState[], seconds: number): string {
  const pairs = targets.map((target, i) => ({ target, state: states[i] }));
  const count = (
    wanted: (target: ReadinessTarget) => boolean,
    done: (state: TargetState) => boolean,
  ) => {
    const subset = pairs.filter((pair) => wanted(pair.target));
    return `${subset.filter((pair) => done(pair.state)).length}/${subset.length}`;
  };
  const rpc = count(
    (t) => Boolean(t.rpcUrl),
    (s) => s.rpc,
  );
  const peered = count(
    (t) => Boolean(t.rpcUrl) && t.needsPeers,
    (s) => s.peers > 0,
  );
  const delve = count(
    (t) => Boolean(t.delve),
    (s) => s.delve,
  );
  return `waiting ${seconds}s: RPC ${rpc}, peered ${peered}, Delve ${delve}`;
}
