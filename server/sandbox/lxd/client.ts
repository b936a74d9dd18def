// The LXD REST API (https://documentation.ubuntu.com/lxd/stable-5.0/rest-api/) from Node:
// JSON requests, background operations and their websockets, over LXD's unix socket or, for a
// remote host or a cluster member, HTTPS with a client certificate. No npm client for LXD
// exists, and the API is small: this file is all of it that the driver needs.
import { X509Certificate } from "node:crypto";
import http from "node:http";
import https from "node:https";
import type { PeerCertificate } from "node:tls";
import WebSocket from "ws";

export interface LxdEndpoint {
  /** LXD's local unix socket (e.g. /var/lib/lxd/unix.socket)… */
  socketPath?: string;
  /** …or its HTTPS address (https://host:8443), with a trusted client certificate. */
  url?: string;
  cert?: Buffer;
  key?: Buffer;
  /** The server's certificate (LXD's is self-signed): trusted as the only authority. */
  ca?: Buffer;
  /** The LXD project the playground's instances live in. */
  project: string;
}

/** A failed request, with LXD's own error text and HTTP status. */
export class LxdError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Whether a failed request failed because what it named does not exist (404). */
export function isNotFound(err: unknown): boolean {
  return err instanceof LxdError && err.status === 404;
}

/** A background operation as LXD describes it (GET /1.0/operations/ID). */
export interface LxdOperation {
  id: string;
  status: string;
  status_code: number;
  err: string;
  metadata: Record<string, unknown> | null;
}

interface LxdResponse {
  type: "sync" | "async" | "error";
  status_code: number;
  error?: string;
  error_code?: number;
  operation?: string;
  metadata: unknown;
}

const OPERATION_DONE = 200;

/** An operation's id from its URL (a cluster adds "?project=…", which is not part of it). */
export function operationId(operation: string): string {
  return new URL(operation, "http://lxd").pathname.split("/").pop() ?? operation;
}

/**
 * TLS to LXD: our client certificate, and LXD's own certificate pinned, as `lxc remote` does.
 * LXD's certificates are self-signed and name the host, not the address a cluster member is
 * reached at, so the name check is replaced by "exactly the pinned certificate".
 */
function tlsOptions(endpoint: LxdEndpoint): https.AgentOptions {
  const pinned = endpoint.ca ? new X509Certificate(endpoint.ca).fingerprint256 : null;
  return {
    cert: endpoint.cert,
    key: endpoint.key,
    ca: endpoint.ca,
    ...(pinned
      ? {
          checkServerIdentity: (host: string, cert: PeerCertificate) =>
            cert.fingerprint256 === pinned ? undefined : new Error(`LXD at ${host} presented a certificate other than LXD_SERVER_CERT (${cert.fingerprint256})`),
        }
      : {}),
  };
}

export class LxdClient {
  private readonly agent: http.Agent;

  constructor(readonly endpoint: LxdEndpoint) {
    // Keep-alive: the driver asks often (readiness, lists); a new unix connection each time is waste.
    this.agent = endpoint.url
      ? new https.Agent({ keepAlive: true, ...tlsOptions(endpoint) })
      : new http.Agent({ keepAlive: true });
  }

  /** Where the API is, for messages. */
  get where(): string {
    return this.endpoint.url ?? `unix:${this.endpoint.socketPath}`;
  }

  private withProject(path: string): string {
    if (this.endpoint.project === "default" || !path.startsWith("/1.0/")) return path;
    return `${path}${path.includes("?") ? "&" : "?"}project=${encodeURIComponent(this.endpoint.project)}`;
  }

  /** One request: the response's metadata, or an LxdError with LXD's message. */
  async request<T = unknown>(method: string, path: string, body?: unknown, timeoutMs = 60_000): Promise<{ metadata: T; operation?: string }> {
    const payload = body === undefined ? undefined : { bytes: Buffer.from(JSON.stringify(body)), headers: { "content-type": "application/json" } };
    return this.envelope<T>(method, path, await this.raw(method, this.withProject(path), payload, timeoutMs));
  }

  /**
   * Writes a file or makes a folder in an instance, as `lxc file push` does. LXD does it inside
   * the instance (its mount namespace and root), so the path, and any symlink on it, resolve
   * there. A missing parent folder is an error (404): make them first, outermost first.
   */
  async pushFile(instance: string, path: string, push: { type: "file"; content: Buffer; mode: number } | { type: "directory"; mode: number }): Promise<void> {
    const headers = {
      // Anything else and LXD's HTTP server reads the body as a form: the file arrives empty.
      "content-type": "application/octet-stream",
      "x-lxd-type": push.type,
      "x-lxd-uid": "0",
      "x-lxd-gid": "0",
      "x-lxd-mode": push.mode.toString(8).padStart(4, "0"),
      "x-lxd-write": "overwrite",
    };
    const url = `/1.0/instances/${encodeURIComponent(instance)}/files?path=${encodeURIComponent(path)}`;
    const bytes = push.type === "file" ? push.content : Buffer.alloc(0);
    this.envelope("POST", url, await this.raw("POST", this.withProject(url), { bytes, headers }, 120_000));
  }

  /** Removes a file (or a symlink itself, or an empty folder) in an instance; a missing one is not an error. */
  async deleteFile(instance: string, path: string): Promise<void> {
    try {
      await this.request("DELETE", `/1.0/instances/${encodeURIComponent(instance)}/files?path=${encodeURIComponent(path)}`);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private envelope<T>(method: string, path: string, { status, text }: { status: number; text: string }): { metadata: T; operation?: string } {
    let parsed: LxdResponse;
    try {
      parsed = JSON.parse(text) as LxdResponse;
    } catch {
      throw new LxdError(`LXD answered ${method} ${path} with ${status} and no JSON: ${text.slice(0, 200)}`, status);
    }
    if (parsed.type === "error" || status >= 400) {
      throw new LxdError(parsed.error || `LXD answered ${method} ${path} with ${status}`, parsed.error_code ?? status);
    }
    return { metadata: parsed.metadata as T, operation: parsed.operation };
  }

  /** A request whose answer is not LXD's JSON envelope (a console log, a file). */
  async text(method: string, path: string, timeoutMs = 30_000): Promise<string> {
    const { status, text } = await this.raw(method, this.withProject(path), undefined, timeoutMs);
    if (status >= 400) {
      let message = text.slice(0, 300);
      try {
        message = (JSON.parse(text) as LxdResponse).error ?? message;
      } catch {
        /* not JSON: keep the text */
      }
      throw new LxdError(message, status);
    }
    return text;
  }

  private raw(
    method: string,
    path: string,
    payload: { bytes: Buffer; headers: Record<string, string> } | undefined,
    timeoutMs: number,
  ): Promise<{ status: number; text: string }> {
    const target = this.endpoint.url ? new URL(path, this.endpoint.url) : null;
    const options: http.RequestOptions = {
      method,
      agent: this.agent,
      headers: payload ? { ...payload.headers, "content-length": payload.bytes.length } : {},
      ...(target ? { host: target.hostname, port: target.port, path: target.pathname + target.search } : { socketPath: this.endpoint.socketPath, path }),
    };
    const transport = target ? https : http;
    return new Promise((resolve, reject) => {
      const req = transport.request(options, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        res.on("error", reject);
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`LXD did not answer ${method} ${path} within ${timeoutMs} ms`)));
      req.on("error", reject);
      req.end(payload?.bytes);
    });
  }

  /** Waits for a background operation to end; throws LXD's error if it failed. */
  async wait(operation: string, timeoutSec = 120): Promise<LxdOperation> {
    const id = operationId(operation);
    const { metadata } = await this.request<LxdOperation>("GET", `/1.0/operations/${id}/wait?timeout=${timeoutSec}`, undefined, (timeoutSec + 10) * 1000);
    if (metadata.status_code !== OPERATION_DONE) {
      throw new LxdError(metadata.err || `LXD operation ${id} ended ${metadata.status}`, metadata.status_code);
    }
    return metadata;
  }

  /** A request that starts an operation, then waits for it. */
  async run(method: string, path: string, body?: unknown, timeoutSec = 120): Promise<LxdOperation | null> {
    const { operation } = await this.request(method, path, body);
    return operation ? this.wait(operation, timeoutSec) : null;
  }

  /** Opens one of an operation's websockets (an exec's stdin, output or control channel). */
  websocket(operation: string, secret: string): Promise<WebSocket> {
    const id = operationId(operation);
    return this.openWebsocket(`/1.0/operations/${id}/websocket?secret=${encodeURIComponent(secret)}`);
  }

  /** The event stream (lifecycle events: instances that stop, say). */
  events(types: string): Promise<WebSocket> {
    return this.openWebsocket(this.withProject(`/1.0/events?type=${encodeURIComponent(types)}`));
  }

  private openWebsocket(path: string): Promise<WebSocket> {
    const ws = this.endpoint.url
      ? new WebSocket(new URL(path, this.endpoint.url.replace(/^http/, "ws")), tlsOptions(this.endpoint))
      : new WebSocket(`ws+unix://${this.endpoint.socketPath}:${path}`);
    return new Promise((resolve, reject) => {
      ws.once("open", () => {
        ws.off("error", reject);
        resolve(ws);
      });
      ws.once("error", reject);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
