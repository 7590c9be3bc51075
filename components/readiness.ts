import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";

import { PROJECT_DIR } from "../lib/config";
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

    // `node` from PATH, so that running under another Node binary is no change that reruns the
    // check; the script's path is relative to the project directory.
    const check = new command.local.Command(
      `${name}-check`,
      {
        interpreter: ["node", "--require", "ts-node/register/transpile-only"],
        create: "scripts/wait-ready.ts",
        dir: PROJECT_DIR,
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
