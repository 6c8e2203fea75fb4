import type { GuestInstance } from '../host/guest-instance.js';

/**
 * The instances requests run on. By default each request gets a fresh instance, as wasmtime's
 * and Spin's hosts do (a componentize-js guest's fetch event can be answered once per instance),
 * and the next one is made as soon as one is taken, so that instantiating (~30 ms for a
 * componentize-js guest) happens between requests rather than in front of them. With `reuse`,
 * an instance that answered serves the next request too (guests built for it: much cheaper);
 * one that trapped, timed out or exited is always disposed.
 */
export class InstancePool {
  #spare: Promise<GuestInstance> | undefined;
  #idle: GuestInstance[] = [];
  #disposed = false;

  constructor(
    private readonly create: () => Promise<GuestInstance>,
    private readonly reuse: boolean,
    private readonly onSpareFailed: (error: unknown) => void,
  ) {}

  async acquire(): Promise<GuestInstance> {
    const idle = this.#idle.pop();
    if (idle) return idle;
    const spare = this.#spare;
    this.#spare = undefined;
    const instance = spare ? await spare.catch(() => this.create()) : await this.create();
    if (!this.reuse) this.#makeSpare();
    return instance;
  }

  /** Back to the pool if reused and it can serve again, else disposed. */
  release(instance: GuestInstance, healthy: boolean): void {
    if (this.reuse && healthy && !this.#disposed && this.#idle.length === 0) this.#idle.push(instance);
    else instance.dispose();
  }

  /** Makes the first instance now (a component that cannot start fails here, not in a request). */
  async warm(): Promise<void> {
    const instance = await this.create();
    if (this.#disposed) instance.dispose();
    else this.#idle.push(instance);
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
    for (const instance of this.#idle.splice(0)) instance.dispose();
    const spare = this.#spare;
    this.#spare = undefined;
    if (spare) (await spare.catch(() => undefined))?.dispose();
  }

  #makeSpare(): void {
    if (this.#disposed || this.#spare) return;
    const spare = this.create();
    spare.catch((error: unknown) => this.onSpareFailed(error));
    this.#spare = spare;
  }
}
