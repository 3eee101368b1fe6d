import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import { debeziumDir } from '../project-paths.ts';
import { renderTemplate } from '../render-template.ts';

export const connectorConfigFile = path.join(debeziumDir, 'connector.json');

export type ConnectorConfig = Readonly<Record<string, string>> & { readonly name: string };

/**
 * The database settings Debezium needs, taken from DATABASE_URL so connector.json stays the one
 * connector config for every environment: only the host differs between here and docker-compose.
 */
export function databaseSettings(databaseUrl: string): Record<string, string> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (name === '')
    throw new AppError('CONFIG_INVALID', 'DATABASE_URL names no database: the connector needs one (e.g. postgres://postgres@127.0.0.1:5432/outbox)');
  return {
    DATABASE_HOST: url.hostname,
    DATABASE_PORT: url.port || '5432',
    DATABASE_USER: decodeURIComponent(url.username) || 'postgres',
    DATABASE_PASSWORD: decodeURIComponent(url.password),
    DATABASE_NAME: name,
  };
}

export type ConnectorSettings = Pick<Config, 'DATABASE_URL' | 'SLOT_NAME'>;

/** Fills the {{DATABASE_*}} and {{SLOT_NAME}} placeholders of the connector.json text; values are JSON-escaped. */
export function renderConnectorConfig(template: string, { DATABASE_URL, SLOT_NAME }: ConnectorSettings): ConnectorConfig {
  const values = { ...databaseSettings(DATABASE_URL), SLOT_NAME };
  const escaped = Object.fromEntries(Object.entries(values).map(([key, value]) => [key, JSON.stringify(value).slice(1, -1)]));
  const parsed: unknown = JSON.parse(renderTemplate(template, escaped));
  if (typeof parsed !== 'object' || parsed === null || typeof (parsed as { name?: unknown }).name !== 'string') {
    throw new AppError('CONFIG_INVALID', `${connectorConfigFile} must be a flat JSON object with a "name"`);
  }
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'string') throw new AppError('CONFIG_INVALID', `${connectorConfigFile}: "${key}" must be a string, as Kafka Connect expects`);
  }
  return parsed as ConnectorConfig;
}

export async function loadConnectorConfig(settings: ConnectorSettings): Promise<ConnectorConfig> {
  return renderConnectorConfig(await readFile(connectorConfigFile, 'utf8'), settings);
}
