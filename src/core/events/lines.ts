/** Splits streamed text into lines without holding more than one partial line (\n or \r\n endings). */
export class LineSplitter {
  private rest = '';

  /** The complete lines in `chunk` (plus what was left over from the previous chunk). */
  push(chunk: string): string[] {
    const text = this.rest === '' ? chunk : this.rest + chunk;
    const lines: string[] = [];
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      lines.push(text.slice(start, end));
      start = nl + 1;
    }
    this.rest = start === 0 ? text : text.slice(start);
    return lines;
  }

  /** The last line when the text did not end with a newline. */
  flush(): string | undefined {
    const last = this.rest;
    this.rest = '';
    if (last === '') return undefined;
    return last.endsWith('\r') ? last.slice(0, -1) : last;
  }
}
