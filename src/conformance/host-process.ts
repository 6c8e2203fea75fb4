/**
 * Runs one host process for a scenario: its own process group (so a timeout stops the shell and
 * what it started; an interrupted runner stops them all, see {@link killRunningHosts}), stdout
 * discarded, the end of stderr kept for the report.
 */
import { spawn } from 'node:child_process';

/** How a host process ended. */
export interface HostExit {
  /** The exit code; undefined when killed by a signal or never started. */
  exitCode: number | undefined;
  signal: NodeJS.Signals | undefined;
  /** Stopped after the timeout. */
  timedOut: boolean;
  /** Why it could not be started (spawn error), if so. */
  startError: string | undefined;
  /** The last non-empty line of its stderr ('' if none). */
  lastStderrLine: string;
}

const STDERR_TAIL_BYTES = 8192;
/** After SIGTERM at the timeout, how long before SIGKILL. */
const KILL_GRACE_MS = 3000;

/** Process groups of the hosts running now (each host runs in its own, see {@link runHostProcess}). */
const running = new Set<number>();

/** Stops every host still running (SIGKILL to its process group): for a runner that is interrupted. */
export function killRunningHosts(): void {
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  running.clear();
}

/** Starts `file args` with `env` and resolves when it has exited (killed after `timeoutMs`). */
export function runHostProcess(file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<HostExit> {
  return new Promise((resolve) => {
    let stderr = '';
    let timedOut = false;
    let startError: string | undefined;
    const child = spawn(file, args, { env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    if (child.pid !== undefined) running.add(child.pid);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL_BYTES);
    });
    const killGroup = (signal: NodeJS.Signals): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    let killTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
    }, timeoutMs);
    let ended = false;
    const end = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (ended) return;
      ended = true;
      if (child.pid !== undefined) running.delete(child.pid);
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '');
      resolve({ exitCode: code ?? undefined, signal: signal ?? undefined, timedOut, startError, lastStderrLine: lines.at(-1) ?? '' });
    };
    child.on('error', (error) => {
      startError = error.message;
      if (child.pid === undefined) end(null, null);
    });
    child.on('close', end);
  });
}

/** One line saying how the host ended, for a failed scenario's detail. */
export function describeExit(exit: HostExit, timeoutMs: number): string {
  if (exit.startError !== undefined) return `the host command could not start: ${exit.startError}`;
  const how = exit.timedOut ? `timed out after ${timeoutMs / 1000} s (stopped)` : exit.signal !== undefined ? `killed by ${exit.signal}` : `exited ${exit.exitCode}`;
  return `host ${how}${exit.lastStderrLine ? `: ${exit.lastStderrLine.slice(0, 200)}` : ''}`;
}

/** The host command itself could not run (not found / not executable / spawn error): no scenario result is meaningful. */
export function hostDidNotRun(exit: HostExit): boolean {
  return exit.startError !== undefined || exit.exitCode === 127 || exit.exitCode === 126;
}
