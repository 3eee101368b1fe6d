/** Ports of a cluster stack started beside another one: three nodes, two workers, two consumers, one api-server. */
export interface BesideClusterPorts {
  kafka: readonly string[];
  controllers: readonly string[];
  connect: readonly string[];
  metrics: readonly string[];
  api: string;
}

/**
 * The environment of `cli stack up --cluster` for a cluster beside another stack on the same
 * PostgreSQL server: its own database (`database`), slot, STACK_DIR and ports; everything else as
 * the environment has it. The suite's cluster test and the bench's topologies scenario use it.
 */
export function besideClusterEnv(databaseUrl: string, database: string, stackDir: string, ports: BesideClusterPorts): Record<string, string> {
  const [kafka1, ...otherNodes] = ports.kafka;
  const [controller1, ...otherControllers] = ports.controllers;
  const [connect1, connect2] = ports.connect;
  const [metrics1, metrics2] = ports.metrics;
  return {
    STACK_DIR: stackDir,
    DATABASE_URL: Object.assign(new URL(databaseUrl), { pathname: `/${database}` }).toString(),
    // PostgreSQL truncates names at 63 bytes; two stacks must not share a slot.
    SLOT_NAME: `${database}_slot`.slice(0, 63),
    KAFKA_BROKERS: `127.0.0.1:${kafka1}`,
    KAFKA_CONTROLLER_PORT: controller1!,
    CLUSTER_KAFKA_PORTS: otherNodes.join(','),
    CLUSTER_CONTROLLER_PORTS: otherControllers.join(','),
    CONNECT_URL: `http://127.0.0.1:${connect1}`,
    CLUSTER_CONNECT_PORT: connect2!,
    PORT: ports.api,
    METRICS_PORT: metrics1!,
    CLUSTER_METRICS_PORT: metrics2!,
  };
}
