import Docker from "dockerode";

import { ContainerState } from "./readiness";

/** A container's run state as the Docker engine reports it, for the readiness probe. */
export function engineContainerState(docker: Docker): ContainerState {
  return async (container) => {
    const { State } = await docker.getContainer(container).inspect();
    return { running: State.Running, exitCode: State.ExitCode };
  };
}
