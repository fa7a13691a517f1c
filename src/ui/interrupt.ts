/**
 * What Ctrl-C should tell the user right now. A command in the middle of changing things (setup's
 * apply) sets a note saying what is done and how to resume; the top-level SIGINT handler prints it.
 */
let note: (() => string) | undefined;

export function setInterruptNote(fn: (() => string) | undefined): void {
  note = fn;
}

export function interruptMessage(): string {
  return note ? note() : 'Interrupted.';
}
