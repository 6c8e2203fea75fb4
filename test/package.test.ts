import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver.js';
import { ROOT, component } from './support/paths.js';
import { expectScenario, guestId } from './support/scenarios.js';

// What a user gets from `npm pack` / `npm install wasm-otel`: the tarball's files, its
// package.json, and the CLI and the library run from an install in a scratch project.

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command; the environment is ours without OTEL_* and npm_* (set by `npm test`), plus `env`. */
function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('OTEL_') && !/^npm_/i.test(key)));
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env: { ...base, ...env }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  license: string;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};

/** Files under `dir` (relative, `/`-separated). */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    return entry.isDirectory() ? filesUnder(dir, path) : [path];
  });
}

/** The package a bare import specifier names (`@scope/name/deep.js` -> `@scope/name`). */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** Every package the shipped JS imports or resolves (node: builtins excepted). */
function importedPackages(sources: string[]): Set<string> {
  const found = new Set<string>();
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire(?:\.resolve)?\s*\(\s*|\bimport\.meta\.resolve\s*\(\s*)['"]([^'"./][^'"]*)['"]/g;
  for (const source of sources) {
    for (const match of source.matchAll(pattern)) if (!match[1]!.startsWith('node:')) found.add(packageOf(match[1]!));
  }
  return found;
}

let scratch: string;
let tarball: string;
let packed: string[];
let installed: string;
let receiver: OtlpReceiver;
let packRun: Run;
let installRun: Run;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'wasm-otel-package-'));
  // --ignore-scripts: pack the dist/ the suite was built with (the prepack build would empty
  // dist/ while other test files run the CLI from it).
  packRun = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], ROOT);
  const [info] = JSON.parse(packRun.stdout) as { filename: string; files: { path: string }[] }[];
  tarball = join(scratch, info!.filename);
  packed = info!.files.map((file) => file.path).sort();
  // A user's project: the package from the tarball, the API it peers on, an SDK package for the
  // in-memory exporter; protobufjs's postinstall denied as the README says.
  const app = join(scratch, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'scratch-app', private: true, type: 'module', allowScripts: { protobufjs: false } }));
  installRun = await run(
    'npm',
    ['install', tarball, '@opentelemetry/api@1.9.0', '@opentelemetry/sdk-trace-base@2.12.1', '--prefer-offline', '--no-audit', '--no-fund'],
    app,
  );
  installed = app;
  receiver = await startOtlpReceiver();
}, 300_000);

afterAll(async () => {
  await receiver?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('npm pack', () => {
  it('packs and installs without a warning (no install script of ours to approve)', () => {
    expect(packRun.stderr).toBe('');
    expect(packRun.code).toBe(0);
    expect(installRun.stderr).toBe('');
    expect(installRun.code).toBe(0);
  });

  it('ships dist, bin, the served WIT and its shape signatures, the --imports example, README, LICENSE, CHANGELOG and package.json, nothing else', () => {
    const top = new Set(packed.map((path) => (path.includes('/') ? `${path.split('/')[0]}/` : path)));
    expect([...top].sort()).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'bin/', 'components/', 'dist/', 'examples/', 'generated/', 'package.json', 'wit/']);
    // For `wasm-otel conformance`: the scenario files and exactly the guests they run (npm adds the folder's README).
    const scenarioFiles = readdirSync(join(ROOT, 'components/expectations'));
    const guests = new Set(scenarioFiles.filter((name) => name.endsWith('.json') && name !== 'schema.json').map((name) => (JSON.parse(readFileSync(join(ROOT, 'components/expectations', name), 'utf8')) as { component: string }).component));
    expect(packed.filter((path) => path.startsWith('components/'))).toEqual(['components/README.md', ...scenarioFiles.map((name) => `components/expectations/${name}`), ...[...guests].map((name) => `components/${name}`)].sort());
    expect(packed.filter((path) => path.startsWith('examples/'))).toEqual(['examples/spin-key-value.d.mts', 'examples/spin-key-value.mjs']);
    // Read at run time to recognise a component's wasi:otel shape (src/otel/shapes.ts); the types
    // are not shipped (npm adds the folder's README, which describes the file).
    expect(packed.filter((path) => path.startsWith('generated/'))).toEqual(['generated/README.md', 'generated/shape-signatures.json']);
    expect(packed.filter((path) => path.startsWith('bin/'))).toEqual(['bin/wasm-otel.js']);
    // wit/guests/ (the worlds of our test guests, their deps/ symlinks) stays in the repository.
    const served = filesUnder(join(ROOT, 'wit')).filter((path) => !path.startsWith('guests/'));
    expect(served.filter((path) => path.startsWith('wasi-otel-')).length).toBeGreaterThan(0);
    expect(packed.filter((path) => path.startsWith('wit/'))).toEqual(served.map((path) => `wit/${path}`).sort());
  });

  it('dist holds exactly what src compiles to (no leftovers) and the CLI bundle, the worker entry and the glue rewrites included', () => {
    const sources = filesUnder(join(ROOT, 'src')).filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts'));
    const expected = sources.flatMap((path) => {
      const base = `dist/${path.slice(0, -'.ts'.length)}`;
      return [`${base}.js`, `${base}.js.map`, `${base}.d.ts`];
    });
    expect(packed.filter((path) => path.startsWith('dist/') && !path.startsWith('dist/bundle/'))).toEqual(expected.sort());
    // The CLI's bundle (scripts/bundle.mjs): its entries and their chunks, nothing else.
    const bundle = packed.filter((path) => path.startsWith('dist/bundle/'));
    expect(bundle.filter((path) => !/^dist\/bundle\/chunk-[A-Z0-9]+\.js$/.test(path))).toEqual(['dist/bundle/main.js', 'dist/bundle/serving-thread-entry.js', 'dist/bundle/worker-entry.js']);
    expect(bundle.length).toBeGreaterThan(3);
    // Loaded from disk at run time: the worker thread's entry; the glue transform's files,
    // hashed into the transpile cache key (src/runtime/transpile.ts transformFiles()).
    expect(packed).toContain('dist/host/worker/worker-entry.js');
    expect(packed).toContain('dist/runtime/glue-transform.js');
    expect(packed).toContain('dist/runtime/glue/lift-budget.js');
    // Source maps carry their sources (src/ is not shipped).
    const map = JSON.parse(readFileSync(join(ROOT, 'dist/index.js.map'), 'utf8')) as { sourcesContent?: string[] };
    expect(map.sourcesContent).toEqual([readFileSync(join(ROOT, 'src/index.ts'), 'utf8')]);
  });

  it('LICENSE is the Apache License 2.0 text, verbatim', () => {
    const license = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
    expect(license).toBe(readFileSync(join(ROOT, 'node_modules/@opentelemetry/api/LICENSE'), 'utf8'));
    expect(license.trimStart().startsWith('Apache License\n                           Version 2.0, January 2004')).toBe(true);
    expect(packageJson.license).toBe('Apache-2.0');
  });

  it('dependencies are exactly the packages the shipped code imports; @opentelemetry/api is a peer', () => {
    // (The CLI's bundle is made of these same modules, with the packages' code inlined.)
    const shipped = packed.filter((path) => path.endsWith('.js') && !path.startsWith('dist/bundle/')).map((path) => readFileSync(join(ROOT, path), 'utf8'));
    const imported = importedPackages(shipped);
    const runtime = new Set([...Object.keys(packageJson.dependencies), ...Object.keys(packageJson.peerDependencies)]);
    expect([...imported].sort()).toEqual([...runtime].sort());
    expect(packageJson.peerDependencies).toEqual({ '@opentelemetry/api': '^1.9.0' });
    expect(packageJson.dependencies['@opentelemetry/api']).toBeUndefined();
    expect(packageJson.devDependencies['@opentelemetry/api']).toBe('1.9.0');
    // No install-time script: installing the package asks the user to approve nothing of ours.
    expect(Object.keys(packageJson.scripts).filter((name) => /^(pre|post)?(install|prepare)$/.test(name))).toEqual([]);
  });
});

describe('installed from the tarball into a scratch project', () => {
  it('one copy of @opentelemetry/api: the app\'s own', () => {
    const api = JSON.parse(readFileSync(join(installed, 'node_modules/@opentelemetry/api/package.json'), 'utf8')) as { version: string };
    expect(api.version).toBe('1.9.0');
    expect(existsSync(join(installed, 'node_modules/wasm-otel/node_modules/@opentelemetry/api'))).toBe(false);
    expect(existsSync(join(installed, 'node_modules/wasm-otel/src'))).toBe(false);
  });

  it('npx wasm-otel run <component>: exit 0, nothing on stderr, the exact spans over OTLP', async () => {
    receiver.reset();
    const result = await run('npx', ['--no', 'wasm-otel', 'run', component('scenarios.wasm'), '--invoke', 'nested-spans'], installed, {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      // A cache of its own: the installed package transpiles the component itself.
      WASM_OTEL_CACHE_DIR: join(scratch, 'cache'),
    });
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
    expectScenario('nested-spans', await receiver.waitForSpans(4));
  });

  it('npx wasm-otel conformance: the shipped scenarios and guests, on the installed package (exit 0)', async () => {
    const result = await run('npx', ['--no', 'wasm-otel', 'conformance', '--scenario', 'nested-spans', '--json'], installed, { WASM_OTEL_CACHE_DIR: join(scratch, 'cache') });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { components: string; summary: { failed: number; passed: number; scenarios: number } };
    expect(report.components).toBe(join(installed, 'node_modules/wasm-otel/components'));
    expect(report.summary.failed).toBe(0);
    expect(report.summary.scenarios).toBe(1);
    expect(report.summary.passed).toBeGreaterThan(40);
  });

  it('npx wasm-otel --version', async () => {
    const result = await run('npx', ['--no', '--', 'wasm-otel', '--version'], installed);
    expect(result).toEqual({ code: 0, stdout: `${packageJson.version}\n`, stderr: '' });
  });

  it('the library: createHost, load, instantiate, call, spans in an in-memory exporter', async () => {
    writeFileSync(
      join(installed, 'app.mjs'),
      `import { createHost } from 'wasm-otel';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

const exporter = new InMemorySpanExporter();
const host = createHost({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const component = await host.load(process.argv[2]);
const instance = await component.instantiate();
await instance.call('nested-spans');
instance.dispose();
const spans = exporter.getFinishedSpans().map((span) => ({
  name: span.name,
  traceId: span.spanContext().traceId,
  spanId: span.spanContext().spanId,
  parentSpanId: span.parentSpanContext?.spanId ?? '',
  attributes: span.attributes,
}));
console.log(JSON.stringify({ spans, problems: host.problems() }));
`,
    );
    const result = await run(process.execPath, ['app.mjs', component('scenarios.wasm')], installed, { WASM_OTEL_CACHE_DIR: join(scratch, 'cache') });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const { spans, problems } = JSON.parse(result.stdout) as { spans: { name: string; traceId: string; spanId: string; parentSpanId: string }[]; problems: object };
    const host = spans.find((span) => span.name === 'scenarios.wasm')!;
    expect(host.parentSpanId).toBe('');
    expect(spans).toEqual([
      { name: 'inner', traceId: host.traceId, spanId: guestId(3), parentSpanId: guestId(2), attributes: { level: 3, 'work.items': 3 } },
      { name: 'middle', traceId: host.traceId, spanId: guestId(2), parentSpanId: guestId(1), attributes: { level: 2 } },
      { name: 'outer', traceId: host.traceId, spanId: guestId(1), parentSpanId: host.spanId, attributes: { level: 1, demo: 'nested-spans' } },
      {
        name: 'scenarios.wasm',
        traceId: host.traceId,
        spanId: host.spanId,
        parentSpanId: '',
        attributes: {
          'wasm.export': 'nested-spans',
          'wasm.module.kind': 'component',
          'wasm.module.name': 'scenarios.wasm',
          'wasm.module.sha256': createHash('sha256').update(readFileSync(component('scenarios.wasm'))).digest('hex'),
          'wasm.otel.shape': 'rc.2',
          'wasm.otel.version': '0.2.0-rc.2',
        },
      },
    ]);
    expect(problems).toEqual({});
  });
});

describe('a fresh clone', () => {
  it('npm install leaves package-lock.json as committed (it is what npm writes)', async () => {
    const dir = join(scratch, 'lock');
    mkdirSync(dir);
    for (const file of ['package.json', 'package-lock.json', '.npmrc']) copyFileSync(join(ROOT, file), join(dir, file));
    const install = await run('npm', ['install', '--package-lock-only', '--ignore-scripts', '--prefer-offline'], dir);
    expect(install.code).toBe(0);
    expect(readFileSync(join(dir, 'package-lock.json'), 'utf8')).toBe(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
  });

  it('.ci/run runs the README\'s test command, and npm install says nothing it need not (.npmrc)', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const commands = [...readme.matchAll(/```sh\n(npm install && .*)\n```/g)].map((match) => match[1]!);
    expect(commands).toEqual(['npm install && npm run build && npx wasm-otel run components/scenarios.wasm', 'npm install && npm test']);
    const ci = readFileSync(join(ROOT, '.ci/run'), 'utf8').split('\n').filter((line) => /^npm /.test(line));
    expect(ci).toEqual(commands[1]!.split(' && '));
    expect(readFileSync(join(ROOT, '.npmrc'), 'utf8')).toBe('audit=false\nfund=false\n');
  });
});
