import Docker from "dockerode";

import { ContainerState } from "./readiness";

/** A container's run state as the Docker engine reports it, for the readiness probe. */
export function engineContainerState(docker: Docker): ContainerState {
  return async (container) => {
    const { State } = await docker.getContainer(container).inspect();
    // A container waiting to be restarted after its process exited counts as running for the
    // engine; for readiness it has stopped, with the exit code of its last run.
    return { running: State.Running && !State.Restarting, exitCode: State.ExitCode };
  };
}
