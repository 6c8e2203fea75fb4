import { spawn, type ChildProcess } from 'node:child_process';
import { CLI, ROOT } from './paths.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The trace context a process started in (a CI job's TRACEPARENT would make every run join its trace). */
const CONTEXT_CARRIER = new Set(['TRACEPARENT', 'TRACESTATE', 'BAGGAGE']);

/** The environment a CLI child gets: ours without OTEL_* and the trace context (the test says what it wants), plus `env`. */
function childEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('OTEL_') && !CONTEXT_CARRIER.has(key)) out[key] = value;
  }
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  return out;
}

/** Starts the real CLI (bin/wasm-otel.js over dist/) as a child process; `result` resolves when it exits. */
export function startCli(args: string[], env: Record<string, string | undefined> = {}): { child: ChildProcess; result: Promise<CliResult> } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  const result = new Promise<CliResult>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, result };
}

/** Runs the real CLI (bin/wasm-otel.js over dist/) as a child process. */
export function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return startCli(args, env).result;
}
