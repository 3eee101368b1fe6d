import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeXml, renderLatencyChart } from './latency-chart.ts';

const ramp = (from: number, to: number) => Array.from({ length: 101 }, (_, i) => from + ((to - from) * i) / 100);

test('each series becomes a named polyline with 101 points and a legend entry', () => {
  const svg = renderLatencyChart(
    [
      { name: 'CDC 200/s', points: ramp(5, 80) },
      { name: 'polling 200/s', points: ramp(20, 400), dashed: true },
    ],
    { title: 'commit -> topic' },
  );
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  const polylines = svg.match(/<polyline [^>]*>/g) ?? [];
  assert.equal(polylines.length, 2);
  assert.match(polylines[0]!, /data-name="CDC 200\/s"/);
  assert.match(polylines[1]!, /stroke-dasharray/);
  assert.equal(/points="([^"]*)"/.exec(polylines[0]!)![1]!.split(' ').length, 101);
  assert.ok(svg.includes('>polling 200/s</text>'));
  // the log axis spans whole decades around the data: 1 ms .. 1 s here
  assert.ok(svg.includes('>1 ms</text>') && svg.includes('>1 s</text>'));
});

test('names are escaped and an empty chart still renders', () => {
  assert.equal(escapeXml(`<a & "b">`), '&lt;a &amp; &quot;b&quot;&gt;');
  const svg = renderLatencyChart([], { title: 'a < b' });
  assert.ok(svg.includes('a &lt; b'));
  assert.ok(!svg.includes('NaN'));
});
