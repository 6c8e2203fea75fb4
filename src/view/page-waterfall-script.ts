/*
 * The trace page's script, part 2: the waterfall. One row per span (a header row per trace),
 * each with its bar on a shared time axis. Zoom: the wheel (about the pointer), the + and -
 * buttons, or a drag on the axis (zooms to that range); pan: a drag on the bars or shift+wheel.
 * A click on a row shows its details. Zooming moves the bars (left and width in percent of the
 * lane) and redraws the axis, once per animation frame.
 */
export const WATERFALL_SCRIPT = String.raw`
var rowsBox = document.getElementById('rows');
var axis = document.getElementById('axis');
var selectionBox = document.getElementById('selection');
var fullEnd = 0;
data.spans.forEach(function (span) { fullEnd = Math.max(fullEnd, span.start + span.duration); });
if (fullEnd <= 0) fullEnd = 1;
var view = { start: 0, end: fullEnd };
var bars = [];
var rowElements = [];
var selectedRow = null;

function buildRows() {
  var fragment = document.createDocumentFragment();
  data.traces.forEach(function (trace, t) {
    var header = el('div', 'trace-row');
    header.setAttribute('data-trace', String(t));
    var label = el('div', 'label');
    var traceEnd = 0;
    for (var k = trace.first; k < trace.first + trace.count; k++) traceEnd = Math.max(traceEnd, data.spans[k].start + data.spans[k].duration);
    var traceStart = trace.count > 0 ? data.spans[trace.first].start : 0;
    label.append(el('span', 'name', trace.label), el('span', 'dur', trace.count + (trace.count === 1 ? ' span, ' : ' spans, ') + formatMicros(traceEnd - traceStart)));
    header.append(label);
    header.title = 'Click: zoom to this trace';
    header.addEventListener('click', function () { zoomTo(traceStart, traceEnd); });
    fragment.append(header);
    for (var i = trace.first; i < trace.first + trace.count; i++) fragment.append(buildRow(i));
  });
  rowsBox.append(fragment);
}

function buildRow(i) {
  var span = data.spans[i];
  var row = el('div', 'row' + (span.status === 'ERROR' ? ' error' : ''));
  row.setAttribute('data-index', String(i));
  var label = el('div', 'label');
  label.style.paddingLeft = (8 + span.depth * 14) + 'px';
  label.append(el('span', 'name', span.name), el('span', 'dur', formatMicros(span.duration)));
  label.title = span.name + ' (' + formatMicros(span.duration) + ')' + (span.status === 'ERROR' ? ' ERROR' + (span.statusMessage ? ': ' + span.statusMessage : '') : '');
  var lane = el('div', 'lane');
  var bar = el('div', 'bar');
  lane.append(bar);
  row.append(label, lane);
  bars.push(bar);
  rowElements.push(row);
  return row;
}

function selectRow(i) {
  if (selectedRow !== null) rowElements[selectedRow].classList.remove('selected');
  selectedRow = i;
  rowElements[i].classList.add('selected');
  showSpanDetails(i);
}

var drawPending = false;
function redraw() {
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(function () { drawPending = false; draw(); });
}
function draw() {
  var width = view.end - view.start;
  for (var i = 0; i < bars.length; i++) {
    var span = data.spans[i];
    bars[i].style.left = ((span.start - view.start) / width) * 100 + '%';
    bars[i].style.width = (span.duration / width) * 100 + '%';
  }
  drawAxis();
}

/** Ticks at a round step (1, 2 or 5 times a power of ten) that gives about 8 across. */
function drawAxis() {
  Array.prototype.slice.call(axis.querySelectorAll('.tick')).forEach(function (tick) { tick.remove(); });
  var width = view.end - view.start;
  var raw = width / 8;
  var power = Math.pow(10, Math.floor(Math.log10(raw)));
  var step = [1, 2, 5, 10].map(function (m) { return m * power; }).find(function (s) { return s >= raw; });
  for (var t = Math.ceil(view.start / step) * step; t <= view.end; t += step) {
    var tick = el('div', 'tick', formatMicros(t));
    tick.style.left = ((t - view.start) / width) * 100 + '%';
    axis.append(tick);
  }
  document.getElementById('range').textContent = formatMicros(view.start) + ' \u2013 ' + formatMicros(view.end) + ' (' + formatMicros(width) + ' shown)';
}

function zoomTo(start, end) {
  var min = Math.max(fullEnd * 1e-9, 0.001);
  if (end - start < min) { var mid = (start + end) / 2; start = mid - min / 2; end = mid + min / 2; }
  var span = end - start;
  var margin = fullEnd * 0.5;
  view.start = Math.max(-margin, start);
  view.end = view.start + span;
  redraw();
}
/** Zooms by factor (< 1: in) keeping the time at fraction f of the lane where it is. */
function zoomBy(factor, f) {
  var width = view.end - view.start;
  var at = view.start + width * f;
  zoomTo(at - (at - view.start) * factor, at + (view.end - at) * factor);
}
function panBy(fraction) {
  var width = view.end - view.start;
  zoomTo(view.start + width * fraction, view.end + width * fraction);
}
/** Where x (client pixels) is across the lanes, 0 to 1. */
function laneFraction(x) {
  var box = axis.getBoundingClientRect();
  return Math.min(1, Math.max(0, (x - box.left) / box.width));
}

function installWaterfallControls() {
  document.getElementById('zoom-in').addEventListener('click', function () { zoomBy(0.5, 0.5); });
  document.getElementById('zoom-out').addEventListener('click', function () { zoomBy(2, 0.5); });
  document.getElementById('zoom-reset').addEventListener('click', function () { zoomTo(0, fullEnd); });
  var onWheel = function (event) {
    // Over the names the wheel scrolls the rows; over the bars and the axis it zooms.
    if (event.currentTarget !== axis && !event.target.closest('.lane')) return;
    event.preventDefault();
    if (event.shiftKey || Math.abs(event.deltaX) > Math.abs(event.deltaY)) panBy((event.deltaX || event.deltaY) / 1000);
    else zoomBy(Math.pow(1.0015, event.deltaY), laneFraction(event.clientX));
  };
  rowsBox.addEventListener('wheel', onWheel, { passive: false });
  axis.addEventListener('wheel', onWheel, { passive: false });

  // A press on a lane: drag pans; a press that does not move is a click on the row.
  var drag = null;
  rowsBox.addEventListener('mousedown', function (event) {
    var row = event.target.closest('.row');
    drag = { x: event.clientX, start: view.start, end: view.end, row: row, moved: false, onLane: !!event.target.closest('.lane') };
  });
  window.addEventListener('mousemove', function (event) {
    if (drag === null) return;
    var dx = event.clientX - drag.x;
    if (Math.abs(dx) > 3) drag.moved = true;
    if (drag.moved && drag.onLane) {
      var width = drag.end - drag.start;
      var shift = -(dx / axis.getBoundingClientRect().width) * width;
      zoomTo(drag.start + shift, drag.end + shift);
    }
  });
  window.addEventListener('mouseup', function () {
    if (drag !== null && !drag.moved && drag.row) selectRow(Number(drag.row.getAttribute('data-index')));
    drag = null;
  });

  // A drag on the axis selects a range to zoom to.
  var range = null;
  axis.addEventListener('mousedown', function (event) {
    range = { from: laneFraction(event.clientX) };
    event.preventDefault();
  });
  window.addEventListener('mousemove', function (event) {
    if (range === null) return;
    var to = laneFraction(event.clientX);
    selectionBox.style.display = 'block';
    selectionBox.style.left = Math.min(range.from, to) * 100 + '%';
    selectionBox.style.width = Math.abs(to - range.from) * 100 + '%';
    range.to = to;
  });
  window.addEventListener('mouseup', function () {
    if (range === null) return;
    selectionBox.style.display = 'none';
    if (range.to !== undefined && Math.abs(range.to - range.from) > 0.003) {
      var width = view.end - view.start;
      var a = view.start + width * Math.min(range.from, range.to);
      var b = view.start + width * Math.max(range.from, range.to);
      zoomTo(a, b);
    }
    range = null;
  });
  // Keyboard: arrows move the selection, Enter is not needed (selection shows details at once).
  document.addEventListener('keydown', function (event) {
    if (document.getElementById('waterfall-view').hidden || selectedRow === null) return;
    if (event.key === 'ArrowDown' && selectedRow + 1 < rowElements.length) { selectRow(selectedRow + 1); rowElements[selectedRow].scrollIntoView({ block: 'nearest' }); event.preventDefault(); }
    if (event.key === 'ArrowUp' && selectedRow > 0) { selectRow(selectedRow - 1); rowElements[selectedRow].scrollIntoView({ block: 'nearest' }); event.preventDefault(); }
  });
}
`;
