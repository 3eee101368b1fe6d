import type { Config } from '../config.ts';
import { type RoutedTopicSetting, routedTopicSettings } from './events.ts';

type TopicSetting = 'CDC_TOPIC' | 'DLQ_TOPIC' | RoutedTopicSetting;
type GroupSetting = 'ROUTER_GROUP_ID' | 'NOTIFIER_GROUP_ID' | 'PROJECTOR_GROUP_ID';

export interface StageDefinition {
  /** How `cli kafka-consumer --only`, the logs and `cli status` name it. */
  name: string;
  /** The dlq-stage header of its dead letters: a replay goes back to this stage's input. */
  deadLetterStage: string;
  /** The setting holding its consumer group id. */
  group: GroupSetting;
  /** The setting of the topic it consumes. */
  input: TopicSetting;
  /** The settings of the topics it produces to (besides the dead-letter topic). */
  outputs: readonly TopicSetting[];
  /** A rebuild replays its input from the first record: that topic must keep its whole history. */
  replaysInput?: true;
}

/**
 * The stages of the pipeline after Debezium, in data-flow order. The consumer runs them (each with
 * its handler, in consumer/stage-handlers.ts), `make up` creates their topics, `cli status` and the
 * bench watch their groups' lag. A new stage is a row here and a handler there.
 */
export const pipelineStages = [
  { name: 'router', deadLetterStage: 'route', group: 'ROUTER_GROUP_ID', input: 'CDC_TOPIC', outputs: routedTopicSettings() },
  { name: 'notifier', deadLetterStage: 'notify', group: 'NOTIFIER_GROUP_ID', input: 'USER_REGISTRATION_TOPIC', outputs: [] },
  // The read side: its position lives in PostgreSQL with the projection (consumer/run-projector.ts).
  { name: 'projector', deadLetterStage: 'project', group: 'PROJECTOR_GROUP_ID', input: 'USER_REGISTRATION_TOPIC', outputs: [], replaysInput: true },
] as const satisfies readonly StageDefinition[];

export type StageName = (typeof pipelineStages)[number]['name'];
export type DeadLetterStage = (typeof pipelineStages)[number]['deadLetterStage'];

export const stageNames: readonly StageName[] = pipelineStages.map((stage) => stage.name);

/** A stage with its settings looked up: the group id and topic names this deployment uses. */
export interface ResolvedStage {
  name: StageName;
  deadLetterStage: DeadLetterStage;
  groupId: string;
  inputTopic: string;
  outputTopics: string[];
}

export type StageSettings = Pick<Config, TopicSetting | GroupSetting>;

export function resolveStages(config: StageSettings, only: readonly StageName[] = stageNames): ResolvedStage[] {
  return pipelineStages
    .filter((stage) => only.includes(stage.name))
    .map((stage) => ({
      name: stage.name,
      deadLetterStage: stage.deadLetterStage,
      groupId: config[stage.group],
      inputTopic: config[stage.input],
      outputTopics: stage.outputs.map((setting) => config[setting]),
    }));
}

/** The stage whose dead letters carry this dlq-stage label, if any. */
export function stageOfDeadLetter(config: StageSettings, label: string): ResolvedStage | undefined {
  return resolveStages(config).find((stage) => stage.deadLetterStage === label);
}

/** The topics a rebuild reads from the beginning: they are created with their history kept for ever. */
export function replayedTopics(config: StageSettings): string[] {
  return [...new Set(pipelineStages.filter((stage) => 'replaysInput' in stage).map((stage) => config[stage.input]))];
}

/** Every topic the pipeline reads or writes, the dead-letter topic included, once each. */
export function pipelineTopics(config: StageSettings): string[] {
  return [...new Set([...resolveStages(config).flatMap((stage) => [stage.inputTopic, ...stage.outputTopics]), config.DLQ_TOPIC])];
}
