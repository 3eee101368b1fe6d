/** One line of the chart: a latency distribution as p0..p100 in milliseconds. */
export interface ChartSeries {
  name: string;
  points: readonly number[];
  /** Drawn dashed: the polling relay, so it reads apart from CDC even in greyscale. */
  dashed?: boolean;
  dotted?: boolean;
  /** A palette index: series that belong together (one rate, two relays) share a colour. */
  colorIndex?: number;
}

export interface ChartOptions {
  title: string;
  subtitle?: string;
  width?: number;
  height?: number;
}

// Ticks on the share axis; 95 and 99 would crowd the top of a linear axis, 90 still reads.
const shareTicks = [0, 0.25, 0.5, 0.75, 0.9, 1];

// Colour-blind-safe palette (Okabe-Ito), in legend order.
const palette = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];

/**
 * The cumulative distribution of each series: latency on a log axis (tails spread over decades
 * stay readable), share of events at or below it on a linear axis. Hand-written SVG, no library:
 * the output is a few kilobytes that any browser shows.
 */
export function renderLatencyChart(series: readonly ChartSeries[], { title, subtitle, width = 900, height = 520 }: ChartOptions): string {
  const margin = { top: 64, right: 24, bottom: 56, left: 64 };
  const legendWidth = 260;
  const plot = { x: margin.left, y: margin.top, width: width - margin.left - margin.right - legendWidth, height: height - margin.top - margin.bottom };
  const positive = series.flatMap((s) => s.points).filter((value) => Number.isFinite(value) && value > 0);
  const low = positive.length === 0 ? 1 : 10 ** Math.floor(Math.log10(Math.min(...positive)));
  const high = positive.length === 0 ? 1000 : Math.max(low * 10, 10 ** Math.ceil(Math.log10(Math.max(...positive))));
  const xOf = (ms: number) => plot.x + ((Math.log10(Math.max(ms, low)) - Math.log10(low)) / (Math.log10(high) - Math.log10(low))) * plot.width;
  const yOf = (share: number) => plot.y + plot.height - share * plot.height;

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
  );
  parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  parts.push(`<text x="${margin.left}" y="24" font-size="16" font-weight="bold">${escapeXml(title)}</text>`);
  if (subtitle !== undefined) parts.push(`<text x="${margin.left}" y="44" fill="#555555">${escapeXml(subtitle)}</text>`);

  parts.push('<g class="grid" stroke="#dddddd">');
  for (let decade = low; decade <= high * 1.0001; decade *= 10) {
    const x = fixed(xOf(decade));
    parts.push(`<line x1="${x}" y1="${plot.y}" x2="${x}" y2="${plot.y + plot.height}"/>`);
  }
  for (const share of shareTicks) {
    const y = fixed(yOf(share));
    parts.push(`<line x1="${plot.x}" y1="${y}" x2="${plot.x + plot.width}" y2="${y}"/>`);
  }
  parts.push('</g>');

  parts.push('<g class="axes" fill="#333333">');
  for (let decade = low; decade <= high * 1.0001; decade *= 10) {
    parts.push(`<text x="${fixed(xOf(decade))}" y="${plot.y + plot.height + 18}" text-anchor="middle">${formatMs(decade)}</text>`);
  }
  for (const share of shareTicks) {
    parts.push(`<text x="${plot.x - 8}" y="${fixed(yOf(share) + 4)}" text-anchor="end">${Math.round(share * 100)}%</text>`);
  }
  parts.push(`<text x="${plot.x + plot.width / 2}" y="${height - 12}" text-anchor="middle">latency (ms, log scale)</text>`);
  parts.push(`<text transform="translate(16 ${plot.y + plot.height / 2}) rotate(-90)" text-anchor="middle">events at or below</text>`);
  parts.push(`<rect x="${plot.x}" y="${plot.y}" width="${plot.width}" height="${plot.height}" fill="none" stroke="#333333"/>`);
  parts.push('</g>');

  series.forEach((line, index) => {
    const color = palette[(line.colorIndex ?? index) % palette.length]!;
    const last = Math.max(1, line.points.length - 1);
    const coordinates = line.points.map((ms, i) => `${fixed(xOf(ms))},${fixed(yOf(i / last))}`).join(' ');
    const dash = line.dashed === true ? ' stroke-dasharray="6 4"' : line.dotted === true ? ' stroke-dasharray="2 3"' : '';
    parts.push(`<polyline class="series" data-name="${escapeXml(line.name)}" fill="none" stroke="${color}" stroke-width="2"${dash} points="${coordinates}"/>`);
    const legendY = plot.y + 8 + index * 20;
    const legendX = plot.x + plot.width + 16;
    parts.push(`<line x1="${legendX}" y1="${legendY}" x2="${legendX + 24}" y2="${legendY}" stroke="${color}" stroke-width="2"${dash}/>`);
    parts.push(`<text x="${legendX + 30}" y="${legendY + 4}">${escapeXml(line.name)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (char) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[char]!);
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`;
}

function fixed(value: number): string {
  return value.toFixed(1);
}
