/** jco's JS name of a WIT name (root exports, record fields, flags): `nested-spans` -> `nestedSpans`. */
export function jsExportName(witName: string): string {
  return witName.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/** jco lists root exports by their JS name; show them as WIT names: `nestedSpans` -> `nested-spans`. */
export function witExportName(jsName: string): string {
  return jsName.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`).replace(/^-/, '');
}

/** The exported `wasi:cli/run` instance name (any version), if the component has one. */
export function cliRunExport(exports: readonly [string, 'function' | 'instance'][]): string | undefined {
  return exports.find(([name, kind]) => kind === 'instance' && /^wasi:cli\/run(@|$)/.test(name))?.[0];
}

/** Unversioned interface name: `wasi:otel/tracing@0.2.0-rc.2` -> `wasi:otel/tracing`. */
export function unversioned(name: string): string {
  const at = name.indexOf('@');
  return at < 0 ? name : name.slice(0, at);
}
