/** The trace page's CSS (inlined into the page: it loads nothing). */
export const PAGE_STYLE = `
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; }
body { font: 13px/1.35 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2330; background: #fff; display: flex; flex-direction: column; }
header { padding: 8px 12px 0; border-bottom: 1px solid #d8dce4; background: #f6f7f9; }
h1 { font-size: 15px; margin: 0 0 2px; }
#summary { color: #4a5263; }
.warning { color: #8a4b00; background: #fff4e0; border: 1px solid #f0c27a; padding: 3px 8px; margin: 4px 0; border-radius: 3px; }
nav { display: flex; gap: 2px; margin-top: 6px; }
.tab { border: 1px solid #d8dce4; border-bottom: none; background: #e9ecf1; padding: 4px 14px; cursor: pointer; border-radius: 4px 4px 0 0; font: inherit; }
.tab.active { background: #fff; font-weight: 600; }
main { flex: 1; display: flex; min-height: 0; }
.view { flex: 1; display: flex; flex-direction: column; min-width: 0; }
.view[hidden] { display: none; }
.toolbar { display: flex; gap: 6px; align-items: center; padding: 6px 12px; border-bottom: 1px solid #e3e6ec; }
.toolbar button { font: inherit; padding: 1px 9px; cursor: pointer; white-space: nowrap; }
#range, #flame-path { white-space: nowrap; }
.hint { color: #7a8294; margin-left: auto; font-size: 12px; }
#axis-row, .row, .trace-row { display: flex; }
.label { width: 34%; min-width: 220px; max-width: 520px; flex: none; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; padding: 0 8px; display: flex; gap: 6px; border-right: 1px solid #e3e6ec; }
.label .name { overflow: hidden; text-overflow: ellipsis; }
.label .dur { margin-left: auto; color: #6b7385; font-variant-numeric: tabular-nums; flex: none; }
#axis-row .label { font-weight: 600; color: #4a5263; }
#axis { position: relative; flex: 1; height: 22px; cursor: crosshair; border-bottom: 1px solid #d8dce4; overflow: hidden; user-select: none; }
.tick { position: absolute; top: 0; bottom: 0; border-left: 1px solid #d8dce4; padding-left: 3px; color: #6b7385; font-size: 11px; white-space: nowrap; }
#selection { position: absolute; top: 0; bottom: 0; background: rgba(60, 110, 220, 0.25); display: none; }
#rows { flex: 1; overflow-y: auto; overflow-x: hidden; }
.row { height: 20px; align-items: center; cursor: pointer; content-visibility: auto; contain-intrinsic-size: auto 20px; }
.row:hover { background: #f1f4fa; }
.row.selected { background: #dde7fb; }
.row.error .name { color: #b3261e; font-weight: 600; }
.row.error .name::before { content: "\\26A0  "; }
.lane { position: relative; flex: 1; height: 100%; overflow: hidden; }
.bar { position: absolute; top: 4px; height: 12px; min-width: 1px; background: #4b7bd8; border-radius: 2px; }
.row.error .bar { background: #d93025; }
.trace-row { height: 22px; align-items: center; background: #eef1f6; font-weight: 600; cursor: pointer; border-top: 1px solid #d8dce4; }
.trace-row .label { border-right: none; width: auto; max-width: none; gap: 12px; }
#details { width: 360px; flex: none; border-left: 1px solid #d8dce4; overflow: auto; padding: 8px 12px; background: #fbfbfc; }
#details h2 { font-size: 14px; margin: 2px 0 8px; word-break: break-all; }
#details h3 { font-size: 12px; margin: 12px 0 4px; text-transform: uppercase; color: #6b7385; letter-spacing: 0.04em; }
#details table { border-collapse: collapse; width: 100%; }
#details td { vertical-align: top; padding: 2px 4px; border-bottom: 1px solid #eceef2; word-break: break-all; }
#details td.key { color: #4a5263; width: 40%; }
#details .empty { color: #7a8294; }
.status-ERROR { color: #b3261e; font-weight: 600; }
.event { margin: 4px 0; }
#flame { position: relative; flex: 1; overflow: auto; }
.frame { position: absolute; height: 17px; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; font-size: 11px; line-height: 17px; padding: 0 3px; border: 1px solid #fff; border-width: 0 1px 1px 0; cursor: pointer; color: #2b1b00; }
.frame:hover { filter: brightness(0.92); }
.frame.selected { outline: 2px solid #1d2330; z-index: 1; }
.frame.ancestor { opacity: 0.6; }
`;
