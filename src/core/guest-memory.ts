/**
 * Strings a core module passes as (pointer, length) in its exported memory `memory`. Reads are
 * bounds-checked and UTF-8 is decoded strictly: a bad string yields an error message, never a throw.
 * A string longer than `maxBytes` (the record budget) is cut at a character boundary before it is
 * decoded; `takeCut()` tells the caller.
 */
export class GuestMemory {
  private memory: WebAssembly.Memory | undefined;
  private missing = 'no instance is bound yet (bind it after instantiating)';
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  /** Length in bytes of the last string read, when it was cut (else 0). */
  private cutFrom = 0;

  constructor(readonly maxBytes = Infinity) {}

  /** The original length of the last string read if it was cut to `maxBytes`, else 0 (and resets). */
  takeCut(): number {
    const cut = this.cutFrom;
    this.cutFrom = 0;
    return cut;
  }

  /** Binds the instance's exported memory (after instantiation). */
  bind(memory: WebAssembly.Memory | undefined): void {
    this.memory = memory;
    if (!memory) this.missing = 'the module exports no memory named "memory"';
  }

  get bound(): boolean {
    return this.memory !== undefined;
  }

  /** The string at (ptr, len), or `{ error }` saying why it cannot be read. */
  readString(ptr: number, len: number): string | { error: string } {
    const memory = this.memory;
    if (memory === undefined) return { error: this.missing };
    const buffer = memory.buffer;
    // i32 arguments arrive signed; pointers and lengths are unsigned.
    const start = ptr >>> 0;
    const length = len >>> 0;
    if (start + length > buffer.byteLength) {
      return { error: `(${start}, ${length}) is outside the module's memory (${buffer.byteLength} bytes)` };
    }
    let keep = length;
    if (length > this.maxBytes) {
      const bytes = new Uint8Array(buffer);
      keep = this.maxBytes;
      while (keep > 0 && (bytes[start + keep]! & 0xc0) === 0x80) keep--;
      this.cutFrom = length;
    }
    const view = new Uint8Array(buffer, start, keep);
    try {
      // TextDecoder refuses views of shared memory (threads): decode a copy of those.
      return this.decoder.decode(buffer instanceof ArrayBuffer ? view : view.slice());
    } catch {
      return { error: `the ${length} bytes at ${start} are not valid UTF-8` };
    }
  }
}
