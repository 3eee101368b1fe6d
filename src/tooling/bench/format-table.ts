export type Cell = string | number | null | undefined;

export interface TableOptions {
  /** Columns to right-align (numbers read better that way); by default every numeric cell is. */
  rightAlign?: ReadonlySet<number>;
}

/** A plain-text table for the terminal: padded columns, a rule under the header. */
export function formatTable(headers: readonly string[], rows: readonly (readonly Cell[])[], { rightAlign }: TableOptions = {}): string {
  const text = rows.map((row) => headers.map((_, column) => formatCell(row[column])));
  const widths = headers.map((header, column) => Math.max(header.length, ...text.map((row) => row[column]!.length)));
  const isRight = (column: number) => rightAlign?.has(column) ?? rows.some((row) => typeof row[column] === 'number');
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (isRight(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((width) => '-'.repeat(width)).join('  '), ...text.map(line)].join('\n');
}

/** Numbers at most one decimal, thousands grouped; missing values as a dash. */
export function formatCell(cell: Cell): string {
  if (cell === null || cell === undefined) return '-';
  if (typeof cell === 'string') return cell;
  if (!Number.isFinite(cell)) return '-';
  const digits = Number.isInteger(cell) || Math.abs(cell) >= 1000 ? 0 : 1;
  return cell.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
