/**
 * What Ctrl-C should tell the user right now, for one run. A command in the middle of changing things (an
 * apply) sets a note saying what is done and how to resume; the SIGINT handler of the same run prints it.
 * One per run, held by the run's context: no module state.
 *
 * A command may also register a clean-up that must reach the network before the process exits (stopping
 * a running Athena query, so it does not keep scanning and billing); the SIGINT handler awaits those,
 * within a time limit, before it exits.
 */
export class InterruptNote {
  private note: (() => string) | undefined;
  private readonly cleanups = new Set<() => Promise<unknown>>();
  /**
   * Set by a command that ends cleanly by itself once ctx.signal aborts (finishing the line it is writing,
   * saving its state) and returns 130/143: the signal handler then only aborts the signal. A second
   * signal still exits at once.
   */
  graceful = false;

  set(fn: (() => string) | undefined): void {
    this.note = fn;
  }

  message(): string {
    return this.note ? this.note() : 'Interrupted.';
  }

  /** Registers a clean-up to run on Ctrl-C; returns the function that unregisters it. */
  onInterrupt(fn: () => Promise<unknown>): () => void {
    this.cleanups.add(fn);
    return () => {
      this.cleanups.delete(fn);
    };
  }

  get hasCleanups(): boolean {
    return this.cleanups.size > 0;
  }

  /** Runs every registered clean-up (failures ignored), waiting at most `timeoutMs`. */
  async cleanup(timeoutMs = 5000): Promise<void> {
    const all = Promise.allSettled([...this.cleanups].map((fn) => fn()));
    this.cleanups.clear();
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([all, limit]);
    clearTimeout(timer);
  }
}
