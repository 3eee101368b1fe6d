import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { renderPipelineChart, renderRelayChart } from './report-chart.ts';
import { type BenchReport, benchReportSchema } from './report-schema.ts';
import { renderReportTables } from './report-table.ts';

export interface ReportPaths {
  json: string;
  relayChart: string;
  pipelineChart: string;
  table: string;
}

/** Validates the report against its schema, then writes the JSON, both charts and the table text. */
export async function writeReportFiles(directory: string, report: BenchReport): Promise<{ paths: ReportPaths; table: string }> {
  const checked = benchReportSchema.parse(report);
  await mkdir(directory, { recursive: true });
  const paths: ReportPaths = {
    json: path.join(directory, 'report.json'),
    relayChart: path.join(directory, 'relay-latency.svg'),
    pipelineChart: path.join(directory, 'pipeline-latency.svg'),
    table: path.join(directory, 'report.txt'),
  };
  const table = renderReportTables(checked);
  await writeFile(paths.json, `${JSON.stringify(checked, null, 2)}\n`);
  await writeFile(paths.relayChart, renderRelayChart(checked));
  await writeFile(paths.pipelineChart, renderPipelineChart(checked));
  await writeFile(paths.table, table);
  return { paths, table };
}
