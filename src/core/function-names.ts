import { demangle } from './demangle.js';

/**
 * Span names of a module's functions: the `name` section's function names, demangled (Rust and
 * C++), else `func[N]`. Resolved on first use and kept.
 */
export class FunctionNames {
  private readonly resolved = new Map<number, string>();

  constructor(private readonly section: ReadonlyMap<number, string>) {}

  nameOf(index: number): string {
    let name = this.resolved.get(index);
    if (name === undefined) {
      const raw = this.section.get(index);
      name = raw === undefined || raw === '' ? `func[${index}]` : demangle(raw);
      this.resolved.set(index, name);
    }
    return name;
  }
}
