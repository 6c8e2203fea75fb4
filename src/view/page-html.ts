import { VERSION } from '../version.js';
import { DETAILS_SCRIPT } from './page-details-script.js';
import { FLAME_SCRIPT } from './page-flame-script.js';
import { PAGE_STYLE } from './page-style.js';
import { WATERFALL_SCRIPT } from './page-waterfall-script.js';
import type { ViewData } from './view-data.js';

/** The script's last part: the header, the tabs, and the first drawing. */
const MAIN_SCRIPT = String.raw`
var spanWord = function (n) { return n.toLocaleString('en-US') + (n === 1 ? ' span' : ' spans'); };
document.getElementById('summary').textContent = spanWord(data.spanCount) + ' in ' + data.traces.length + (data.traces.length === 1 ? ' trace' : ' traces') + (data.producer ? ' \u00b7 ' + data.producer : '');
var notes = [];
if (data.spansLeftOut > 0) notes.push(spanWord(data.spansLeftOut) + ' of ' + data.spanCount.toLocaleString('en-US') + ' not drawn in the waterfall (it shows the first ' + data.spans.length.toLocaleString('en-US') + ' by start, with their parents); the flame graph includes them all');
if (data.endsEarlyAfter !== undefined) notes.push('the trace file ends early (its writer did not finish it): the page shows the ' + data.endsEarlyAfter.toLocaleString('en-US') + ' events read before its end');
if (data.eventsLeftOut > 0) notes.push(data.eventsLeftOut.toLocaleString('en-US') + ' span events not shown');
if (data.flame.nodesLeftOut > 0) notes.push(data.flame.nodesLeftOut.toLocaleString('en-US') + ' of the smallest flame graph stacks not shown');
var leftOut = document.getElementById('left-out');
if (notes.length > 0) { leftOut.textContent = notes.join('; ') + '.'; leftOut.hidden = false; }

function showTab(name) {
  ['waterfall', 'flame'].forEach(function (tab) {
    document.getElementById(tab + '-view').hidden = tab !== name;
    document.getElementById('tab-' + tab).classList.toggle('active', tab === name);
  });
  if (name === 'flame') drawFlame();
}
document.getElementById('tab-waterfall').addEventListener('click', function () { showTab('waterfall'); });
document.getElementById('tab-flame').addEventListener('click', function () { showTab('flame'); });

buildRows();
installWaterfallControls();
installFlameControls();
draw();
// A trace of function spans only opens on the flame graph.
if (data.spans.length > 0 && data.spans.every(function (span) { return span.scope === 'dylibso:observe/instrument' || span.depth === 0; }) && data.spans.length > data.traces.length) showTab('flame');
document.body.setAttribute('data-ready', 'true');
`;

const BODY = `
<header>
  <h1 id="title"></h1>
  <div id="summary"></div>
  <div id="left-out" class="warning" hidden></div>
  <nav><button id="tab-waterfall" class="tab active">Waterfall</button><button id="tab-flame" class="tab">Flame graph</button></nav>
</header>
<main>
  <section id="waterfall-view" class="view">
    <div class="toolbar">
      <button id="zoom-in" title="Zoom in">+</button><button id="zoom-out" title="Zoom out">\u2212</button><button id="zoom-reset">Whole trace</button>
      <span id="range"></span>
      <span class="hint">wheel over the bars: zoom \u00b7 shift+wheel or drag the bars: pan \u00b7 drag on the time axis: zoom to a range \u00b7 click a row: its details</span>
    </div>
    <div id="axis-row"><div class="label">Span</div><div id="axis"><div id="selection"></div></div></div>
    <div id="rows"></div>
  </section>
  <section id="flame-view" class="view" hidden>
    <div class="toolbar">
      <button id="flame-reset">All stacks</button><span id="flame-path"></span>
      <span class="hint">call stacks merged by span name, width = total time \u00b7 click a frame: zoom to it and see its total and self time</span>
    </div>
    <div id="flame"></div>
  </section>
  <aside id="details"><p class="empty">Click a span (or a frame of the flame graph) to see its details.</p></aside>
</main>`;

/**
 * The whole page: one HTML file that loads nothing (inline CSS and script), with the data as a
 * JSON block. `<` is escaped in the JSON (as \u003c) so that no value can close the block, and
 * the title is set as text by the script, so guest data is never parsed as markup.
 */
export function pageHtml(data: ViewData): string {
  const json = JSON.stringify(data).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="wasm-otel ${VERSION}">
<title>wasm-otel trace view</title>
<style>${PAGE_STYLE}</style>
</head>
<body>${BODY}
<script type="application/json" id="trace-data">${json}</script>
<script>
(function () {
'use strict';
var data = JSON.parse(document.getElementById('trace-data').textContent);
${DETAILS_SCRIPT}
document.getElementById('title').textContent = data.title;
document.title = data.title + ' \u2014 wasm-otel trace view';
${WATERFALL_SCRIPT}
${FLAME_SCRIPT}
${MAIN_SCRIPT}
})();
</script>
</body>
</html>
`;
}
