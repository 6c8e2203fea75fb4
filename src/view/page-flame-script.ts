/*
 * The trace page's script, part 3: the flame graph of data.flame (call stacks merged by name
 * path, root at the top). A frame's width is its total time; a click on a frame zooms to it
 * (its ancestors stay above it, full width) and shows its total and self time and count.
 * Frames narrower than a pixel are not drawn.
 */
export const FLAME_SCRIPT = String.raw`
var flameBox = document.getElementById('flame');
var flameChildren = [];
var flameRoots = [];
var flameRootTotal = 0;
data.flame.nodes.forEach(function (node, n) {
  flameChildren.push([]);
  if (node[0] >= 0) flameChildren[node[0]].push(n);
  else { flameRoots.push(n); flameRootTotal += node[2]; }
});
var flameFocus = -1;
var selectedFrame = null;
var FRAME_HEIGHT = 18;

function frameColor(name) {
  var hash = 0;
  for (var i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) | 0;
  var hue = 10 + (Math.abs(hash) % 45);
  return 'hsl(' + hue + ', 85%, ' + (62 + (Math.abs(hash >> 8) % 14)) + '%)';
}

function pathOf(n) {
  var path = [];
  for (var j = n; j >= 0; j = data.flame.nodes[j][0]) path.unshift(data.flame.names[data.flame.nodes[j][1]]);
  return path;
}

function drawFlame() {
  flameBox.textContent = '';
  var width = flameBox.clientWidth || 800;
  var fragment = document.createDocumentFragment();
  var maxDepth = 0;
  var frame = function (n, left, fraction, depth, ancestor) {
    var node = data.flame.nodes[n];
    var box = el('div', 'frame' + (ancestor ? ' ancestor' : '') + (n === selectedFrame ? ' selected' : ''), data.flame.names[node[1]]);
    box.setAttribute('data-node', String(n));
    box.style.left = left * 100 + '%';
    box.style.width = fraction * 100 + '%';
    box.style.top = depth * FRAME_HEIGHT + 'px';
    box.style.background = frameColor(data.flame.names[node[1]]);
    box.title = data.flame.names[node[1]] + ': ' + formatMicros(node[2]) + ' total, ' + formatMicros(node[3]) + ' self, ' + node[4] + ' calls';
    fragment.append(box);
    maxDepth = Math.max(maxDepth, depth);
  };
  var drawChildren = function (list, left, fraction, total, depth) {
    var x = left;
    list.forEach(function (c) {
      var share = total > 0 ? (data.flame.nodes[c][2] / total) * fraction : 0;
      if (share * width >= 1) {
        frame(c, x, share, depth, false);
        drawChildren(flameChildren[c], x, share, data.flame.nodes[c][2], depth + 1);
      }
      x += share;
    });
  };
  if (flameFocus < 0) drawChildren(flameRoots, 0, 1, flameRootTotal, 0);
  else {
    var chain = [];
    for (var j = flameFocus; j >= 0; j = data.flame.nodes[j][0]) chain.unshift(j);
    chain.forEach(function (n, depth) { frame(n, 0, 1, depth, n !== flameFocus); });
    drawChildren(flameChildren[flameFocus], 0, 1, data.flame.nodes[flameFocus][2], chain.length);
  }
  var spacer = el('div');
  spacer.style.height = (maxDepth + 2) * FRAME_HEIGHT + 'px';
  fragment.append(spacer);
  flameBox.append(fragment);
  document.getElementById('flame-path').textContent = flameFocus < 0 ? 'all stacks (' + formatMicros(flameRootTotal) + ')' : pathOf(flameFocus).join(' \u203a ');
}

function installFlameControls() {
  flameBox.addEventListener('click', function (event) {
    var box = event.target.closest('.frame');
    if (!box) return;
    var n = Number(box.getAttribute('data-node'));
    selectedFrame = n;
    flameFocus = flameChildren[n].length > 0 || n === flameFocus ? n : flameFocus;
    drawFlame();
    showFrameDetails(n, pathOf(n), flameRootTotal);
  });
  document.getElementById('flame-reset').addEventListener('click', function () { flameFocus = -1; drawFlame(); });
  window.addEventListener('resize', function () { if (!document.getElementById('flame-view').hidden) drawFlame(); });
}
`;
