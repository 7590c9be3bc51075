import * as net from "net";

/**
 * Small clients for the two servers every node exposes: the client's HTTP JSON-RPC and Delve's
 * JSON-RPC API. Used by the readiness check, the tests and the benchmark.
 */

/**
 * Calls one JSON-RPC 2.0 method over HTTP; rejects on transport errors, RPC errors, the timeout
 * and `signal`'s abort.
 */
export async function rpcCall<T>(
  url: string,
  method: string,
  params: unknown[] = [],
  timeoutMs = 3000,
  signal?: AbortSignal,
): Promise<T> {
  signal?.throwIfAborted();
  // A timer of our own rather than AbortSignal.timeout, whose timer does not keep the process
  // alive while the request is pending.
  const abort = new AbortController();
  const timer = setTimeout(
    () => abort.abort(new Error(`${method}: no answer in ${timeoutMs} ms`)),
    timeoutMs,
  );
  const cancel = () => abort.abort(signal?.reason);
  signal?.addEventListener("abort", cancel, { once: true });
  let body: { result?: T; error?: { message: string } };
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
      signal: abort.signal,
    });
    body = (await response.json()) as typeof body;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", cancel);
  }
  if (body.error) {
    throw new Error(`${method}: ${body.error.message}`);
  }
  return body.result as T;
}

export interface DelveVersion {
  DelveVersion: string;
  APIVersion: number;
}

/**
 * Asks a Delve server for its version over its JSON-RPC API (the protocol GoLand speaks).
 * Unlike a bare TCP connect, this fails while Docker's port proxy accepts on the host but
 * nothing listens inside the container yet.
 */
export function delveVersion(host: string, port: number, timeoutMs = 3000): Promise<DelveVersion> {
  return delveCall<DelveVersion>(host, port, "RPCServer.GetVersion", {}, timeoutMs);
}

/**
 * Whether the program under a Delve server has exited, and with which status. A server started
 * with `--accept-multiclient` outlives its program, so the container keeps running after the
 * client crashed; only Delve can tell. Rejects while the server does not answer.
 */
export async function delveTarget(
  host: string,
  port: number,
  timeoutMs = 3000,
  signal?: AbortSignal,
): Promise<{ exitStatus?: number }> {
  try {
    await delveCall(host, port, "RPCServer.State", { NonBlocking: true }, timeoutMs, signal);
    return {};
  } catch (error) {
    const exited = /has exited with status (-?\d+)/.exec((error as Error).message);
    if (exited) {
      return { exitStatus: Number(exited[1]) };
    }
    throw error;
  }
}

/** One call of Delve's JSON-RPC API on a fresh connection; `signal` abandons it. */
export function delveCall<T>(
  host: string,
  port: number,
  method: string,
  params: object,
  timeoutMs = 3000,
  signal?: AbortSignal,
): Promise<T> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const socket = net.connect({ host, port });
    let received = "";
    const cancel = () => fail(signal?.reason);
    const settle = () => {
      socket.destroy();
      signal?.removeEventListener("abort", cancel);
    };
    const fail = (error: unknown) => {
      settle();
      reject(error);
    };
    signal?.addEventListener("abort", cancel, { once: true });
    socket.setTimeout(timeoutMs, () => fail(new Error(`${method}: no answer in ${timeoutMs} ms`)));
    socket.on("error", fail);
    socket.on("connect", () => {
      socket.write(JSON.stringify({ method, params: [params], id: 1 }));
    });
    socket.on("data", (chunk) => {
      received += chunk.toString("utf8");
      let reply: { result?: T; error?: string | null };
      try {
        reply = JSON.parse(received);
      } catch {
        return; // Wait for the rest of the reply.
      }
      settle();
      if (reply.error) {
        reject(new Error(`${method}: ${reply.error}`));
      } else {
        resolve(reply.result as T);
      }
    });
    socket.on("end", () => fail(new Error(`${method}: connection closed before a reply`)));
  });
}
