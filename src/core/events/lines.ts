/** A line longer than the splitter's limit: only its length is kept, never its text. */
export interface OverlongLine {
  overlong: number;
}

export type Line = string | OverlongLine;

export function isOverlong(line: Line): line is OverlongLine {
  return typeof line !== 'string';
}

/**
 * Splits streamed text into lines (\n or \r\n endings) in linear time and bounded memory.
 *
 * Only each new chunk is searched for newlines; the pieces of an unfinished line are kept in a list and
 * joined once, when its newline arrives. (Searching `rest + chunk` instead rescans the whole partial line
 * for every chunk: a 200 MB line without newlines took minutes.) A line that grows past `maxChars` is
 * dropped as it streams and comes out as an OverlongLine, so a gzip bomb of NUL bytes costs no memory.
 */
export class LineSplitter {
  private parts: string[] = [];
  private size = 0;
  private overflow = false;

  /** `maxChars`: the longest line kept, in UTF-16 code units (the length JavaScript strings have). */
  constructor(private readonly maxChars = Number.POSITIVE_INFINITY) {}

  /** The complete lines in `chunk` (the first one joined with what was left over from earlier chunks). */
  push(chunk: string): Line[] {
    const lines: Line[] = [];
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', start)) {
      this.keep(chunk, start, nl);
      lines.push(this.take());
      start = nl + 1;
    }
    this.keep(chunk, start, chunk.length);
    return lines;
  }

  /** The last line when the text did not end with a newline. */
  flush(): Line | undefined {
    if (this.size === 0) return undefined;
    return this.take();
  }

  private keep(chunk: string, from: number, to: number): void {
    if (from >= to) return;
    this.size += to - from;
    if (this.overflow) return;
    if (this.size > this.maxChars) {
      this.overflow = true;
      this.parts = [];
      return;
    }
    this.parts.push(from === 0 && to === chunk.length ? chunk : chunk.slice(from, to));
  }

  private take(): Line {
    const line: Line = this.overflow
      ? { overlong: this.size }
      : this.parts.length === 1
        ? (this.parts[0] as string)
        : this.parts.join('');
    this.parts = [];
    this.size = 0;
    this.overflow = false;
    if (typeof line !== 'string') return line;
    return line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
  }
}
