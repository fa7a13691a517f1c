/**
 * What Ctrl-C should tell the user right now, for one run. A command in the middle of changing things (an
 * apply) sets a note saying what is done and how to resume; the SIGINT handler of the same run prints it.
 * One per run, held by the run's context: no module state.
 */
export class InterruptNote {
  private note: (() => string) | undefined;
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
}
