import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../config.ts';
import { pipelineTopics, replayedTopics, resolveStages, stageOfDeadLetter } from './stages.ts';

const config = loadConfig({ USER_REGISTRATION_TOPIC: 'notif.x', ROUTER_GROUP_ID: 'r', NOTIFIER_GROUP_ID: 'n', PROJECTOR_GROUP_ID: 'p' });

test("stages resolve to this deployment's group ids and topics, in data-flow order", () => {
  assert.deepEqual(resolveStages(config), [
    { name: 'router', deadLetterStage: 'route', groupId: 'r', inputTopic: config.CDC_TOPIC, outputTopics: ['notif.x'] },
    { name: 'notifier', deadLetterStage: 'notify', groupId: 'n', inputTopic: 'notif.x', outputTopics: [] },
    { name: 'projector', deadLetterStage: 'project', groupId: 'p', inputTopic: 'notif.x', outputTopics: [] },
  ]);
  assert.deepEqual(
    resolveStages(config, ['notifier']).map((stage) => stage.name),
    ['notifier'],
  );
});

test('a dead letter leads back to the input of the stage that failed', () => {
  assert.equal(stageOfDeadLetter(config, 'notify')?.inputTopic, 'notif.x');
  assert.equal(stageOfDeadLetter(config, 'route')?.inputTopic, config.CDC_TOPIC);
  assert.equal(stageOfDeadLetter(config, 'nope'), undefined);
});

test('the pipeline topics are every input and output plus the dead-letter topic, once each', () => {
  assert.deepEqual(pipelineTopics(config), [config.CDC_TOPIC, 'notif.x', config.DLQ_TOPIC]);
});

test('the topics a projection rebuild replays are the projector inputs: they keep their history', () => {
  assert.deepEqual(replayedTopics(config), ['notif.x']);
});
