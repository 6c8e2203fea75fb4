import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/paths.js';

// Every ```ts block of README.md compiles as written, against the package's own types, the way a
// user's module that imports 'wasm-otel' (and the OTel packages it names) would.

interface Block {
  line: number;
  file: string;
  text: string;
}

function readmeBlocks(): Block[] {
  const lines = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i]!)) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end]!)) end++;
    // A user's module: beside package.json ("type": "module"), so ESM with top-level await.
    blocks.push({ line: start + 1, file: join(ROOT, `readme-block-${start + 1}.ts`), text: `${lines.slice(start, end).join('\n')}\nexport {};\n` });
    i = end;
  }
  return blocks;
}

function typecheck(blocks: Block[]): Map<string, string[]> {
  const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  const options: ts.CompilerOptions = {
    ...config.options,
    noEmit: true,
    // 'wasm-otel' is this package: its types as src/index.ts declares them (dist/index.d.ts is built from it).
    paths: { 'wasm-otel': [join(ROOT, 'src/index.ts')] },
  };
  const virtual = new Map(blocks.map((block) => [block.file, block.text]));
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (file, language, ...rest) =>
    virtual.has(file) ? ts.createSourceFile(file, virtual.get(file)!, language, true) : getSourceFile(file, language, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (file) => virtual.has(file) || fileExists(file);
  const readFile = host.readFile.bind(host);
  host.readFile = (file) => virtual.get(file) ?? readFile(file);
  // The ambient declarations src/ relies on (tsconfig's include has them; an import does not reach them).
  const ambient = config.fileNames.filter((file) => file.startsWith(join(ROOT, 'src')) && file.endsWith('.d.ts'));
  const program = ts.createProgram([...virtual.keys(), ...ambient], options, host);
  const errors = new Map<string, string[]>(blocks.map((block) => [block.file, []]));
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const file = diagnostic.file?.fileName;
    const block = blocks.find((b) => b.file === file);
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    if (!block) {
      // Not in a block (e.g. a package's types): report it on every block rather than lose it.
      for (const list of errors.values()) list.push(`${file ?? 'global'}: ${message}`);
      continue;
    }
    const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start!);
    errors.get(block.file)!.push(`README.md:${block.line + line}: TS${diagnostic.code}: ${message}`);
  }
  return errors;
}

const blocks = readmeBlocks();
let results: Map<string, string[]> | undefined;
const errorsOf = (block: Block): string[] => (results ??= typecheck(blocks)).get(block.file)!;

describe('README.md TypeScript blocks', () => {
  it('there are some', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
  });

  for (const block of blocks) {
    it(`the block at README.md line ${block.line} typechecks`, () => {
      expect(errorsOf(block)).toEqual([]);
    });
  }
});
