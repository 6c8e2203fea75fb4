/*
 * The trace page's script, part 1: formatting and the details panel. Plain browser JavaScript
 * (the page loads nothing); the parts are joined inside one function by page-html.ts and share
 * its scope: `data` (the embedded ViewData) and `el(tag, className, text)`. Guest data only ever
 * reaches the page as text (textContent), never as markup.
 */
export const DETAILS_SCRIPT = String.raw`
function el(tag, className, text) {
  var node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

/** Microseconds as the page shows them: "812 us", "1.23 ms", "4.5 s". */
function formatMicros(us) {
  var a = Math.abs(us);
  if (a < 1) return (Math.round(us * 1000) / 1000) + ' \u00b5s';
  if (a < 1000) return round3(us) + ' \u00b5s';
  if (a < 1e6) return round3(us / 1000) + ' ms';
  return round3(us / 1e6) + ' s';
}
function round3(x) {
  return Number(x.toPrecision(3)).toString();
}
/** An attribute value as text: strings as they are, the rest as JSON. */
function valueText(value) {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

var detailsPanel = document.getElementById('details');

function clearDetails(title) {
  detailsPanel.textContent = '';
  detailsPanel.append(el('h2', null, title));
}
function fieldTable(rows, attributeName) {
  var table = el('table');
  rows.forEach(function (row) {
    var tr = el('tr');
    if (attributeName) tr.setAttribute(attributeName, row[0]);
    tr.append(el('td', 'key', row[0]));
    var td = el('td', 'value' + (row[2] ? ' ' + row[2] : ''), row[1]);
    tr.append(td);
    table.append(tr);
  });
  return table;
}
function attributeTable(attributes) {
  var keys = Object.keys(attributes);
  if (keys.length === 0) return el('p', 'empty', 'none');
  return fieldTable(keys.map(function (key) { return [key, valueText(attributes[key])]; }), 'data-attribute');
}

/** The details of span number i. */
function showSpanDetails(i) {
  var span = data.spans[i];
  clearDetails(span.name);
  detailsPanel.setAttribute('data-span', String(i));
  var started = data.startMicros > 0 ? new Date((data.startMicros + span.start) / 1000).toISOString() : null;
  var fields = [
    ['trace', data.traces[span.trace].label],
    ['trace id', span.traceId || '-'],
    ['span id', span.spanId || '-'],
    ['parent span id', span.parentSpanId || '-'],
    ['kind', span.kind || '-'],
    ['status', span.status + (span.statusMessage ? ': ' + span.statusMessage : ''), 'status-' + span.status],
    ['start', '+' + formatMicros(span.start) + (started ? ' (' + started + ')' : '')],
    ['duration', formatMicros(span.duration)],
    ['scope', span.scope || '-'],
    ['instance', span.thread],
  ];
  detailsPanel.append(fieldTable(fields, 'data-field'));
  detailsPanel.append(el('h3', null, 'Attributes'));
  detailsPanel.append(attributeTable(span.attributes));
  detailsPanel.append(el('h3', null, 'Events'));
  if (span.events.length === 0) detailsPanel.append(el('p', 'empty', 'none'));
  span.events.forEach(function (event) {
    var box = el('div', 'event');
    box.append(el('div', 'event-name', '+' + formatMicros(event.offset) + '  ' + event.name));
    if (Object.keys(event.attributes).length > 0) box.append(attributeTable(event.attributes));
    detailsPanel.append(box);
  });
  detailsPanel.append(el('h3', null, 'Links'));
  if (span.links.length === 0) detailsPanel.append(el('p', 'empty', 'none'));
  span.links.forEach(function (link) { detailsPanel.append(el('div', 'link', link)); });
}

/** The details of flame graph node n (total, self, count, its stack). */
function showFrameDetails(n, path, rootTotal) {
  var node = data.flame.nodes[n];
  clearDetails(data.flame.names[node[1]]);
  detailsPanel.setAttribute('data-frame', String(n));
  detailsPanel.append(fieldTable([
    ['total time', formatMicros(node[2]) + (rootTotal > 0 ? ' (' + round3((node[2] / rootTotal) * 100) + '% of all)' : '')],
    ['self time', formatMicros(node[3])],
    ['count', String(node[4])],
    ['average', formatMicros(node[4] > 0 ? node[2] / node[4] : 0)],
  ], 'data-field'));
  detailsPanel.append(el('h3', null, 'Stack (root first)'));
  var list = el('ol', 'stack');
  path.forEach(function (name) { list.append(el('li', null, name)); });
  detailsPanel.append(list);
}
`;
