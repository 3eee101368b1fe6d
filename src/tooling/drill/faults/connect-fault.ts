import { createConnectClient } from '../../../service/cdc/connect-client.ts';
import { loadConnectorConfig } from '../../../service/cdc/connector-config.ts';
import { waitForConnectorRunning } from '../../../service/cdc/ensure-connector.ts';
import { killProcessFault } from './kill-process.ts';

export const connectFault = killProcessFault('connect', {
  measures: 'from the kill until a registration committed after it is SENT: Connect’s own start, the connector task resuming from its stored offset',
  async afterStart({ config }) {
    const { name } = await loadConnectorConfig(config);
    await waitForConnectorRunning(createConnectClient(config.CONNECT_URL), name, { timeoutMs: 180_000 });
  },
});
