import type { BackgroundRequest, ContentRequest } from './protocol';
import type { BackgroundReply, ContentReply } from './replies';

/**
 * The one way any part of the extension talks to another: typed by the message contract (./protocol.ts requests,
 * ./replies.ts replies). The transport is passed in, so the content script, the popup and the options page share
 * this client, and component tests use its mock (./mock.ts).
 */
export type BackgroundMessage<T extends BackgroundRequest['type'] = BackgroundRequest['type']> = Extract<BackgroundRequest, { type: T }>;
export type ContentMessage<T extends ContentRequest['type'] = ContentRequest['type']> = Extract<ContentRequest, { type: T }>;

export interface MessageClient {
  /** to the background worker */
  send<T extends BackgroundRequest['type']>(message: BackgroundMessage<T>): Promise<BackgroundReply<T>>;
  /** to the content script of a tab */
  sendToTab<T extends ContentRequest['type']>(tabId: number, message: ContentMessage<T>): Promise<ContentReply<T>>;
}

export interface Transport {
  sendMessage(message: unknown): Promise<unknown>;
  sendToTab?(tabId: number, message: unknown): Promise<unknown>;
}

/** Reply schemas to check answers against; the content script passes none and keeps zod/mini alone in its bundle. */
export interface ReplyCheck {
  background: Record<string, { safeParse(value: unknown): { success: boolean; error?: { issues: Array<{ message: string }> } } }>;
}

export function createMessageClient(transport: Transport, check?: ReplyCheck): MessageClient {
  const verify = (type: string, reply: unknown): unknown => {
    const schema = check?.background[type];
    if (schema === undefined) return reply;
    const parsed = schema.safeParse(reply);
    return parsed.success ? reply : { ok: false, error: `unreadable reply to "${type}": ${parsed.error?.issues[0]?.message ?? 'no reply'}` };
  };
  return {
    send: async (message) => verify(message.type, await transport.sendMessage(message)) as never,
    sendToTab: async (tabId, message) => {
      if (transport.sendToTab === undefined) throw new Error('this part of the extension cannot message a tab');
      return (await transport.sendToTab(tabId, message)) as never;
    },
  };
}
