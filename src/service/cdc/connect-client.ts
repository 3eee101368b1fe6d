import { AppError } from '../errors.ts';

export type ConnectorState = 'UNASSIGNED' | 'RUNNING' | 'PAUSED' | 'STOPPED' | 'FAILED' | 'RESTARTING';

export interface ConnectorStatus {
  name: string;
  connector: { state: ConnectorState; worker_id: string; trace?: string };
  tasks: Array<{ id: number; state: ConnectorState; worker_id: string; trace?: string }>;
  type?: string;
}

export interface ConnectorOffset {
  partition: Record<string, unknown>;
  offset: Record<string, unknown>;
}

export interface ConnectClient {
  readonly baseUrl: string;
  listConnectors(): Promise<string[]>;
  /** undefined when the connector does not exist. */
  getConfig(name: string): Promise<Record<string, string> | undefined>;
  /** Creates or replaces the connector's config; true when it was created. */
  putConfig(name: string, config: Readonly<Record<string, string>>): Promise<boolean>;
  getStatus(name: string): Promise<ConnectorStatus | undefined>;
  restart(name: string, options?: { includeTasks?: boolean; onlyFailed?: boolean }): Promise<void>;
  /** Stops the connector's tasks reading (asynchronously: its status turns PAUSED); its slot keeps the WAL. */
  pause(name: string): Promise<void>;
  resume(name: string): Promise<void>;
  /** true when it existed. */
  deleteConnector(name: string): Promise<boolean>;
  /** The source offsets Connect committed for the connector (Debezium's: lsn, txId, ts_usec); undefined when it does not exist. */
  getOffsets(name: string): Promise<ConnectorOffset[] | undefined>;
}

/**
 * A thin client for the Kafka Connect REST API. Every failure becomes an AppError: unreachable is
 * CONNECT_UNAVAILABLE (retryable, says how to start Connect), a rejected request quotes Connect's
 * own message, which usually names the offending setting.
 */
export function createConnectClient(baseUrl: string, { timeoutMs = 15_000 }: { timeoutMs?: number } = {}): ConnectClient {
  async function request(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    let response: Response;
    try {
      response = await fetch(new URL(path, baseUrl), {
        method,
        headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new AppError('CONNECT_UNAVAILABLE', `Kafka Connect is unreachable at ${baseUrl}: start it with \`make up\` or set CONNECT_URL`, { cause: error });
    }
    const text = await response.text();
    const json: unknown = text === '' ? undefined : JSON.parse(text);
    if (response.status >= 500 || (response.status >= 400 && response.status !== 404)) {
      const message = (json as { message?: string } | undefined)?.message ?? text;
      // 409: the worker is rebalancing; asking again in a moment succeeds.
      const code = response.status === 409 || response.status >= 500 ? 'CONNECT_UNAVAILABLE' : 'CONNECTOR_FAILED';
      throw new AppError(code, `Kafka Connect ${method} ${path} answered ${response.status}: ${message}`);
    }
    return { status: response.status, json };
  }

  const connectorPath = (name: string) => `/connectors/${encodeURIComponent(name)}`;

  return {
    baseUrl,
    async listConnectors() {
      return (await request('GET', '/connectors')).json as string[];
    },
    async getConfig(name) {
      const { status, json } = await request('GET', `${connectorPath(name)}/config`);
      return status === 404 ? undefined : (json as Record<string, string>);
    },
    async putConfig(name, config) {
      const { status } = await request('PUT', `${connectorPath(name)}/config`, config);
      return status === 201;
    },
    async getStatus(name) {
      const { status, json } = await request('GET', `${connectorPath(name)}/status`);
      return status === 404 ? undefined : (json as ConnectorStatus);
    },
    async restart(name, { includeTasks = true, onlyFailed = true } = {}) {
      await request('POST', `${connectorPath(name)}/restart?includeTasks=${includeTasks}&onlyFailed=${onlyFailed}`);
    },
    async pause(name) {
      await request('PUT', `${connectorPath(name)}/pause`);
    },
    async resume(name) {
      await request('PUT', `${connectorPath(name)}/resume`);
    },
    async getOffsets(name) {
      const { status, json } = await request('GET', `${connectorPath(name)}/offsets`);
      return status === 404 ? undefined : ((json as { offsets?: ConnectorOffset[] } | undefined)?.offsets ?? []);
    },
    async deleteConnector(name) {
      const { status } = await request('DELETE', connectorPath(name));
      return status !== 404;
    },
  };
}
