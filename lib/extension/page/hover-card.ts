/**
 * The plain-language card shown when the pointer rests on a highlight. Lives in a closed shadow root on a host
 * element outside <body>, shown in the top layer (popover), so page styles cannot reach it and the page's own
 * boxes never move. Created on the first hover only. Text only: never HTML.
 */
export interface CardContent {
  kind: 'opt-out' | 'exception';
  title: string;
  lines: string[];
  why: string[];
}

const CARD_CSS = `
:host { all: initial; }
.card { position: fixed; z-index: 2147483647; max-width: 360px; margin: 0; padding: 10px 12px; border-radius: 8px;
  font: 13px/1.45 system-ui, sans-serif; color: #1b1f24; background: #fff; border: 1px solid #d0d7de;
  box-shadow: 0 6px 24px rgba(0,0,0,.18); inset: auto; }
.card[data-kind="opt-out"] { border-left: 4px solid #1a7f37; }
.card[data-kind="exception"] { border-left: 4px dashed #bf5000; }
h2 { font-size: 13px; margin: 0 0 4px; }
p { margin: 0 0 4px; }
.why { margin-top: 6px; color: #57606a; font-size: 12px; }
@media (prefers-color-scheme: dark) {
  .card { color: #e6edf3; background: #161b22; border-color: #30363d; }
  .why { color: #9198a1; }
}`;

export class HoverCard {
  private card: HTMLElement | null = null;

  constructor(private readonly doc: Document) {}

  private ensure(): HTMLElement {
    if (this.card?.isConnected) return this.card;
    const host = this.doc.createElement('clausemark-card');
    host.setAttribute('data-clausemark', 'card');
    const shadow = host.attachShadow({ mode: 'closed' });
    const style = this.doc.createElement('style');
    style.textContent = CARD_CSS;
    const card = this.doc.createElement('div');
    card.className = 'card';
    card.setAttribute('role', 'tooltip');
    if ('popover' in card) card.setAttribute('popover', 'manual');
    shadow.append(style, card);
    this.doc.documentElement.append(host);
    this.card = card;
    return card;
  }

  show(content: CardContent, x: number, y: number): void {
    const card = this.ensure();
    const heading = this.doc.createElement('h2');
    heading.textContent = content.title;
    const lines = content.lines.map((line) => {
      const paragraph = this.doc.createElement('p');
      paragraph.textContent = line;
      return paragraph;
    });
    const why = this.doc.createElement('div');
    why.className = 'why';
    why.textContent = `Why highlighted: ${content.why.join(' · ')}`;
    card.replaceChildren(heading, ...lines, why);
    card.dataset.kind = content.kind;
    const view = this.doc.defaultView!;
    card.style.left = `${Math.min(x + 12, view.innerWidth - 372)}px`;
    card.style.top = `${Math.min(y + 16, view.innerHeight - 160)}px`;
    const popover = card as HTMLElement & { showPopover?: () => void };
    if (popover.showPopover && !card.matches(':popover-open')) popover.showPopover();
    card.hidden = false;
  }

  hide(): void {
    if (this.card === null) return;
    const popover = this.card as HTMLElement & { hidePopover?: () => void };
    if (popover.hidePopover && this.card.matches(':popover-open')) popover.hidePopover();
    this.card.hidden = true;
  }

  remove(): void {
    this.card?.getRootNode() instanceof ShadowRoot && (this.card.getRootNode() as ShadowRoot).host.remove();
    this.card = null;
  }
}
