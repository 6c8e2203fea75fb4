/**
 * `--imports <module.mjs>` with `wasm-otel run`: a component of an embedding platform
 * (components/platform-kv.wasm imports `wasm-otel:platform/key-value`) runs with the platform's
 * interface from an ES module, and a module that does not fit is one line, exit 1.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { component } from './support/paths.js';

const scratch = mkdtempSync(join(tmpdir(), 'wasm-otel-imports-'));
const write = (name: string, text: string): string => {
  const file = join(scratch, name);
  writeFileSync(file, text);
  return file;
};
const NO_TELEMETRY = { OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' };

describe('wasm-otel run --imports', () => {
  it('gives the component the module’s interfaces', async () => {
    const platform = write('platform.mjs', "export default { 'wasm-otel:platform/key-value': { get: (key) => BigInt(key) * 10n } };\n");
    const result = await runCli(['run', component('platform-kv.wasm'), '--invoke', 'sum-pair(4)', '--imports', platform], NO_TELEMETRY);
    expect(result).toEqual({ code: 0, stdout: '90\n', stderr: '' });
  });

  it('without it the import is missing; a module that does not fit is one line', async () => {
    const missing = await runCli(['run', component('platform-kv.wasm'), '--invoke', 'sum-pair(4)'], NO_TELEMETRY);
    expect(missing).toEqual({ code: 1, stdout: '', stderr: 'wasm-otel: platform-kv.wasm imports wasm-otel:platform/key-value, which this host does not provide\n' });
    const noDefault = write('no-default.mjs', 'export const x = 1;\n');
    expect(await runCli(['run', component('platform-kv.wasm'), '--invoke', 'sum-pair(4)', '--imports', noDefault], NO_TELEMETRY)).toEqual({
      code: 1,
      stdout: '',
      stderr: `wasm-otel: --imports ${noDefault}: its default export must be an object mapping interface names (e.g. "fermyon:spin/key-value") to their functions\n`,
    });
    const versioned = write('versioned.mjs', "export default { 'wasm-otel:platform/key-value@1.0.0': {} };\n");
    expect((await runCli(['run', component('platform-kv.wasm'), '--imports', versioned], NO_TELEMETRY)).stderr).toBe(
      `wasm-otel: --imports ${versioned}: "wasm-otel:platform/key-value@1.0.0" is not an unversioned interface name with an object of functions (e.g. "fermyon:spin/key-value": { Store })\n`,
    );
    const broken = write('broken.mjs', 'export default {\n');
    const result = await runCli(['run', component('platform-kv.wasm'), '--imports', broken], NO_TELEMETRY);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^wasm-otel: --imports ${broken.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: cannot load it: .+\\n$`));
    const none = await runCli(['run', component('platform-kv.wasm'), '--imports', join(scratch, 'nope.mjs')], NO_TELEMETRY);
    expect(none).toEqual({ code: 1, stdout: '', stderr: `wasm-otel: --imports ${join(scratch, 'nope.mjs')}: no such file\n` });
  });
});
