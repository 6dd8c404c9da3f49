import { StringDecoder } from 'node:string_decoder';

/**
 * Splits a byte stream into lines the way node:readline does with crlfDelay Infinity (\n, \r\n and a lone \r end a
 * line; a last line without a newline still counts), one chunk at a time, so the caller pulls the input at its own
 * pace. Each line comes with its size in bytes, terminator included (for progress).
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private lastWasCr = false;

  push(chunk: Buffer | string): Array<[line: string, bytes: number]> {
    return this.split(typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
  }

  end(): Array<[line: string, bytes: number]> {
    const out = this.split(this.decoder.end());
    if (this.pending.length > 0) out.push([this.pending, Buffer.byteLength(this.pending)]);
    this.pending = '';
    return out;
  }

  private split(text: string): Array<[string, number]> {
    const out: Array<[string, number]> = [];
    let start = 0;
    // A \r at the very end of the previous chunk already ended its line: a \n right after it belongs to it.
    if (this.lastWasCr && text.length > 0) {
      if (text.charCodeAt(0) === 10) start = 1;
      this.lastWasCr = false;
    }
    for (let i = start; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code !== 10 && code !== 13) continue;
      const line = this.pending + text.slice(start, i);
      this.pending = '';
      let terminator = 1;
      if (code === 13) {
        if (i + 1 < text.length && text.charCodeAt(i + 1) === 10) terminator = 2;
        else if (i + 1 === text.length) this.lastWasCr = true;
      }
      out.push([line, Buffer.byteLength(line) + terminator]);
      start = i + terminator;
      i = start - 1;
    }
    if (start < text.length) this.pending += text.slice(start);
    return out;
  }
}
