import { readFile, writeFile } from 'node:fs/promises';

/**
 * Writes a self-contained HTML page (no network) showing the Chrome Trace Event file `traceFile`
 * (as `--trace-file` writes it) to `htmlFile`. (First version: a list of the spans; the
 * waterfall and flame view follow.)
 */
export async function writeHtmlView(traceFile: string, htmlFile: string): Promise<void> {
  const parsed = JSON.parse(await readFile(traceFile, 'utf8')) as unknown;
  const events = Array.isArray(parsed) ? parsed : ((parsed as { traceEvents?: unknown[] }).traceEvents ?? []);
  const spans = events.filter((event) => (event as { ph?: unknown }).ph === 'X');
  const data = JSON.stringify(spans).replace(/</g, '\\u003c');
  await writeFile(htmlFile, `<!doctype html><meta charset="utf-8"><title>trace</title><body><ul id="rows"></ul>
<script type="application/json" id="trace-data">${data}</script>
<script>for (const s of JSON.parse(document.getElementById('trace-data').textContent)) { const li = document.createElement('li'); li.textContent = s.name + ' ' + s.dur + ' us'; document.getElementById('rows').append(li); }</script>
`);
}
