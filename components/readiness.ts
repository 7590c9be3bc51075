import * as path from "path";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";

import { ReadinessPlan } from "../lib/readiness";

export interface ReadinessArgs {
  /** What to wait for; see lib/readiness.ts. */
  plan: pulumi.Input<ReadinessPlan>;
  /**
   * Values that, when changed, mean the network was (re)started and must be waited for again,
   * such as the container IDs.
   */
  triggers: pulumi.Input<string>[];
}

/**
 * Holds `pulumi up` until the network is ready to debug, printing progress meanwhile. On
 * timeout it fails, naming each node that is not ready together with the end of its log.
 */
export class Readiness extends pulumi.ComponentResource {
  /** The checker's report, ending with how long the network took to become ready. */
  readonly report: pulumi.Output<string>;

  constructor(name: string, args: ReadinessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("eth-debugnet:index:Readiness", name, {}, opts);

    const projectDir = path.resolve(__dirname, "..");
    const check = new command.local.Command(
      name,
      {
        interpreter: [
          process.execPath,
          "--require",
          require.resolve("ts-node/register/transpile-only"),
        ],
        create: path.join(projectDir, "scripts", "wait-ready.ts"),
        dir: projectDir,
        environment: {
          DEBUGNET_READINESS: pulumi.output(args.plan).apply((plan) => JSON.stringify(plan)),
        },
        triggers: args.triggers,
        logging: "stdoutAndStderr",
      },
      { parent: this },
    );

    this.report = check.stdout;
    this.registerOutputs({ report: this.report });
  }
}
