import { killProcessFault } from './kill-process.ts';

export const kafkaFault = killProcessFault('kafka', {
  measures: 'from the kill until a registration committed after it is SENT: the broker’s restart, Connect and the kafka-consumer reconnecting',
});
