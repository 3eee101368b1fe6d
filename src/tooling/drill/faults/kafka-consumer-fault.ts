import { killProcessFault } from './kill-process.ts';

export const kafkaConsumerFault = killProcessFault('kafka-consumer', {
  measures: 'from the kill until a registration committed after it is SENT: the restart, then the group waiting out the dead member’s session',
});
