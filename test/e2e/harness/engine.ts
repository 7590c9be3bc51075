import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";

import { createCommand, createRandomBytes, deleteCommand } from "./command";
import {
  Handled,
  buildImage,
  createContainer,
  createNetwork,
  createVolume,
  deleteContainer,
  deleteNetwork,
  deleteVolume,
  imageInputsWithDigest,
} from "./docker";
import { canonical, reveal } from "./fields";

/**
 * A Pulumi engine in miniature behind the SDK's mock interface: it keeps a state file between
 * runs, compares each resource's inputs with the last run's, and carries out creates, replaces
 * and deletes for real. What it does per resource is recorded as the run's actions, so tests
 * can check that a second run with the same configuration changes nothing.
 */

export interface ResourceRecord {
  key: string;
  type: string;
  name: string;
  custom: boolean;
  id: string;
  /** Inputs as compared between runs: secrets revealed, implicit digests added. */
  inputs: Record<string, any>;
  outputs: Record<string, any>;
}

export type Action = "create" | "same" | "update" | "replace" | "delete";

export interface ActionRecord {
  key: string;
  action: Action;
  /** When the operation started and how long it took (epoch ms, ms). */
  startedAt: number;
  ms: number;
}

export interface StackState {
  resources: ResourceRecord[];
  actions: ActionRecord[];
  outputs?: Record<string, unknown>;
}

/**
 * How a changed resource is brought up to date. A command is replaced when its triggers change
 * (new one first, the old one's `delete` at the end of the run, as Pulumi does by default) and
 * otherwise updated in place by running it again. Every Docker object the program declares has
 * a fixed name, so they are replaced delete-first: the provider marks containers that way and
 * the program asks it for networks and volumes; images are rebuilt in place.
 */
function changeOf(type: string, old: ResourceRecord, inputs: Record<string, any>): Action {
  if (type === "command:local:Command") {
    return canonical(old.inputs.triggers) === canonical(inputs.triggers) ? "update" : "replace";
  }
  return type === "docker:index/image:Image" ? "update" : "replace";
}

export class HarnessEngine implements pulumi.runtime.Mocks {
  private readonly state: StackState;
  private readonly previous: Map<string, ResourceRecord>;
  private readonly seen = new Set<string>();
  private readonly deferredDeletes: ResourceRecord[] = [];
  private failure: Error | undefined;
  private rejectFailed: (error: Error) => void = () => undefined;

  /** Rejects with the first error any resource operation raises. */
  readonly failed: Promise<never>;

  constructor(private readonly statePath: string) {
    this.state = fs.existsSync(statePath)
      ? (JSON.parse(fs.readFileSync(statePath, "utf8")) as StackState)
      : { resources: [], actions: [] };
    this.previous = new Map(this.state.resources.map((record) => [record.key, record]));
    this.state.actions = [];
    this.failed = new Promise<never>((_, reject) => (this.rejectFailed = reject));
    this.failed.catch(() => undefined);
  }

  async newResource(
    args: pulumi.runtime.MockResourceArgs,
  ): Promise<pulumi.runtime.MockResourceResult> {
    try {
      return await this.register(args);
    } catch (error) {
      this.failure ??= error as Error;
      this.rejectFailed(this.failure);
      throw error;
    }
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
    throw new Error(`the harness does not carry out the function ${args.token}`);
  }

  /** Finishes a run: deletes replaced resources and those the program no longer declares. */
  async finish(outputs: Record<string, unknown>): Promise<void> {
    for (const record of this.deferredDeletes.reverse()) {
      await remove(record);
    }
    const gone = this.state.resources.filter((record) => !this.seen.has(record.key));
    for (const record of gone.reverse()) {
      const startedAt = Date.now();
      await remove(record);
      this.forget(record.key, "delete", startedAt);
    }
    this.state.outputs = outputs;
    this.save();
  }

  /**
   * Deletes resources newest first, as `pulumi destroy` does: all of them, or with a target
   * pattern only those whose key (`type::name`) matches, like `pulumi destroy --target`.
   */
  async destroy(target?: RegExp): Promise<void> {
    const doomed = this.state.resources.filter((record) => !target || target.test(record.key));
    for (const record of doomed.reverse()) {
      const startedAt = Date.now();
      await remove(record);
      this.forget(record.key, "delete", startedAt);
    }
    this.state.outputs = target ? this.state.outputs : undefined;
    this.save();
  }

  private async register(
    args: pulumi.runtime.MockResourceArgs,
  ): Promise<pulumi.runtime.MockResourceResult> {
    const key = `${args.type}::${args.name}`;
    this.seen.add(key);
    let inputs = reveal(args.inputs) as Record<string, any>;
    if (args.type === "docker:index/image:Image") {
      inputs = await imageInputsWithDigest(inputs);
    }
    const custom = args.custom ?? true;
    const old = this.previous.get(key);

    const startedAt = Date.now();
    if (old && canonical(old.inputs) === canonical(inputs)) {
      this.state.actions.push({ key, action: "same", startedAt, ms: 0 });
      return { id: old.id, state: old.outputs };
    }
    const action = !old ? "create" : custom ? changeOf(args.type, old, inputs) : "update";
    const deleteFirst = action === "replace" && args.type !== "command:local:Command";
    if (old && deleteFirst) {
      await remove(old);
    }

    const made: Handled = custom ? await create(args.type, args.name, inputs) : componentOf(args);
    const record: ResourceRecord = {
      key,
      type: args.type,
      name: args.name,
      custom,
      id: made.id,
      inputs,
      outputs: made.outputs,
    };
    if (old && action === "replace" && !deleteFirst) {
      this.deferredDeletes.push(old);
    }
    this.put(record, action, startedAt);
    return { id: made.id, state: made.outputs };
  }

  private put(record: ResourceRecord, action: Action, startedAt: number): void {
    const index = this.state.resources.findIndex((existing) => existing.key === record.key);
    if (index === -1) {
      this.state.resources.push(record);
    } else {
      this.state.resources[index] = record;
    }
    this.state.actions.push({ key: record.key, action, startedAt, ms: Date.now() - startedAt });
    this.save();
  }

  private forget(key: string, action: Action, startedAt: number): void {
    this.state.resources = this.state.resources.filter((record) => record.key !== key);
    this.state.actions.push({ key, action, startedAt, ms: Date.now() - startedAt });
    this.save();
  }

  private save(): void {
    fs.writeFileSync(this.statePath, JSON.stringify(this.state, null, 2));
  }
}

function componentOf(args: pulumi.runtime.MockResourceArgs): Handled {
  return { id: args.name, outputs: {} };
}

async function create(type: string, name: string, inputs: Record<string, any>): Promise<Handled> {
  switch (type) {
    case "docker:index/network:Network":
      return createNetwork(inputs);
    case "docker:index/volume:Volume":
      return createVolume(inputs);
    case "docker:index/image:Image":
      return buildImage(inputs);
    case "docker:index/container:Container":
      return createContainer(inputs);
    case "command:local:Command":
      return createCommand(name, inputs);
    case "random:index/randomBytes:RandomBytes":
      return createRandomBytes(name, inputs);
    default:
      throw new Error(`the harness does not carry out resources of type ${type}`);
  }
}

async function remove(record: ResourceRecord): Promise<void> {
  if (!record.custom) {
    return;
  }
  switch (record.type) {
    case "docker:index/network:Network":
      return deleteNetwork(record.id);
    case "docker:index/volume:Volume":
      return deleteVolume(record.id);
    case "docker:index/container:Container":
      return deleteContainer(record.id, record.inputs);
    case "command:local:Command":
      return deleteCommand(record.name, record.outputs);
    case "docker:index/image:Image":
    case "random:index/randomBytes:RandomBytes":
      // The provider leaves built images in place; random bytes live in the state only.
      return;
    default:
      throw new Error(`the harness does not delete resources of type ${record.type}`);
  }
}
