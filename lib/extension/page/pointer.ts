import type { PageContext } from './context';
import { cardContent } from './annotations';
import { HoverCard } from './hover-card';
import type { Painter } from './painter';

/**
 * The hover card follows the pointer: at most one hit test per frame, the card created on the first hover only.
 * The listener is the context's, so it goes when the extension is updated.
 */
export class PointerCards {
  private frame = 0;
  private listening = false;
  private card: HoverCard | null = null;

  constructor(private readonly win: Window & typeof globalThis, private readonly ctx: PageContext, private readonly painter: Painter) {}

  listen(): void {
    if (this.listening || !this.painter.usesHighlightApi) return;
    this.listening = true;
    this.ctx.addEventListener(this.win, 'mousemove', (event) => {
      if (this.frame !== 0) return;
      const { clientX, clientY } = event as MouseEvent;
      this.frame = this.win.requestAnimationFrame(() => {
        this.frame = 0;
        if (!this.ctx.isInvalid) this.show(clientX, clientY);
      });
    }, { passive: true });
  }

  show(x: number, y: number): void {
    const hit = this.painter.annotationAt(x, y);
    if (hit === null) {
      this.card?.hide();
      return;
    }
    this.card ??= new HoverCard(this.win.document);
    this.card.show(cardContent(hit), x, y);
  }

  remove(): void {
    this.card?.remove();
    this.card = null;
  }
}
