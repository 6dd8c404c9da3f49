/**
 * A one-line progress display on stderr, redrawn in place: items done, megabytes, MB/s and, when the total is known,
 * the share done and an ETA. Only for a terminal: `progressFor` returns null when the stream is not a TTY, so logs
 * and pipes stay clean.
 */
export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

export interface ProgressOptions {
  unit: string; // "lines", "files"
  totalBytes?: number | null;
  now?: () => number; // ms
  intervalMs?: number;
}

export class Progress {
  private items = 0;
  private bytes = 0;
  private readonly started: number;
  private lastDraw = -Infinity;
  private drawn = false;
  private readonly now: () => number;

  constructor(private readonly stream: ProgressStream, private readonly options: ProgressOptions) {
    this.now = options.now ?? (() => performance.now());
    this.started = this.now();
  }

  /** `items` finished, `bytes` of input consumed (including input other shards own, so the ETA covers the whole read). */
  advance(items: number, bytes: number): void {
    this.items += items;
    this.bytes += bytes;
    const now = this.now();
    if (now - this.lastDraw >= (this.options.intervalMs ?? 200)) {
      this.lastDraw = now;
      this.draw(now);
    }
  }

  /** Erases the line (the final summary, if any, is the caller's). */
  finish(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }

  line(now: number = this.now()): string {
    const seconds = Math.max((now - this.started) / 1000, 1e-3);
    const rate = this.bytes / 1e6 / seconds;
    const parts = [`${this.items.toLocaleString('en')} ${this.options.unit}`, `${(this.bytes / 1e6).toFixed(1)} MB`, `${rate.toFixed(2)} MB/s`];
    const total = this.options.totalBytes;
    if (total !== null && total !== undefined && total > 0) {
      const share = Math.min(this.bytes / total, 1);
      parts.push(`${(share * 100).toFixed(0)}%`);
      if (this.bytes > 0) parts.push(`ETA ${formatDuration(((total - Math.min(this.bytes, total)) / 1e6) / Math.max(rate, 1e-9))}`);
    }
    return `clausemark: ${parts.join(' · ')}`;
  }

  private draw(now: number): void {
    this.stream.write(`\r\x1b[K${this.line(now)}`);
    this.drawn = true;
  }
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number): string => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

export function progressFor(stream: ProgressStream, options: ProgressOptions, enabled = true): Progress | null {
  return enabled && stream.isTTY === true ? new Progress(stream, options) : null;
}
