import { DebugClient } from "@vscode/debugadapter-testsupport";
import { DebugProtocol } from "@vscode/debugprotocol";

import { VsCodeAttach } from "../../lib/ide";

/**
 * A Debug Adapter Protocol session that behaves as VS Code's Go extension does for a
 * `request: attach, mode: remote, debugAdapter: dlv-dap` entry: it connects straight to the
 * Delve server, sends initialize with VS Code's arguments, then the launch.json entry itself as
 * the attach arguments.
 */
export class VsCodeSession {
  private constructor(private readonly client: DebugClient) {}

  static async attach(entry: VsCodeAttach): Promise<VsCodeSession> {
    // The runtime and executable are unused: the client connects to a running server.
    const client = new DebugClient("unused", "unused", "go");
    await client.start(entry.port);
    await client.initializeRequest({
      clientID: "vscode",
      clientName: "Visual Studio Code",
      adapterID: "go",
      pathFormat: "path",
      linesStartAt1: true,
      columnsStartAt1: true,
      supportsVariableType: true,
      supportsVariablePaging: true,
      supportsRunInTerminalRequest: true,
      locale: "en",
    });
    // Delve sends `initialized` before it answers the attach request.
    const initialized = withTimeout(client.waitForEvent("initialized"), 30_000, "initialized");
    await client.attachRequest(entry as unknown as DebugProtocol.AttachRequestArguments);
    await initialized;
    return new VsCodeSession(client);
  }

  setBreakpoints(file: string, lines: number[]): Promise<DebugProtocol.SetBreakpointsResponse> {
    return this.client.setBreakpointsRequest({
      source: { path: file },
      breakpoints: lines.map((line) => ({ line })),
    });
  }

  /** Ends configuration; Delve then lets the target run (it is not asked to stop on entry). */
  async configurationDone(): Promise<void> {
    await this.client.configurationDoneRequest();
  }

  async waitForStop(timeoutMs: number): Promise<DebugProtocol.StoppedEvent> {
    const event = await withTimeout(this.client.waitForEvent("stopped"), timeoutMs, "stopped");
    return event as DebugProtocol.StoppedEvent;
  }

  async topFrame(threadId: number): Promise<DebugProtocol.StackFrame> {
    const trace = await this.client.stackTraceRequest({ threadId, startFrame: 0, levels: 1 });
    return trace.body.stackFrames[0];
  }

  async continue(threadId: number): Promise<void> {
    await this.client.continueRequest({ threadId });
  }

  /**
   * Detaches as VS Code's Disconnect button does: a disconnect request that does not ask for
   * the target to be terminated (Delve's default for attach sessions), then the socket closes.
   * The target and the Delve server keep running.
   */
  async disconnect(): Promise<void> {
    await this.client.stop();
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
