import type { BackgroundRequest, ContentRequest } from './protocol';
import type { BackgroundReply, ContentReply } from './replies';
import type { BackgroundMessage, ContentMessage, MessageClient } from './client';

/**
 * The typed client without an extension around it, for component tests and for running the UI on its own: answer
 * each message type with a function; a type without one answers `{ ok: false }`. Every message is recorded.
 */
export type MockAnswers = {
  [T in BackgroundRequest['type']]?: (message: BackgroundMessage<T>) => BackgroundReply<T> | Promise<BackgroundReply<T>>;
};
export type MockTabAnswers = {
  [T in ContentRequest['type']]?: (tabId: number, message: ContentMessage<T>) => ContentReply<T> | Promise<ContentReply<T>>;
};

export interface MockClient extends MessageClient {
  sent: Array<BackgroundRequest | { tabId: number; message: ContentRequest }>;
}

export function createMockClient(answers: MockAnswers = {}, tabAnswers: MockTabAnswers = {}): MockClient {
  const sent: MockClient['sent'] = [];
  return {
    sent,
    async send(message) {
      sent.push(message);
      const answer = answers[message.type] as ((message: unknown) => unknown) | undefined;
      return (answer ? await answer(message) : { ok: false, error: `no mock answer for "${message.type}"` }) as never;
    },
    async sendToTab(tabId, message) {
      sent.push({ tabId, message });
      const answer = tabAnswers[message.type] as ((tabId: number, message: unknown) => unknown) | undefined;
      return (answer ? await answer(tabId, message) : { ok: false }) as never;
    },
  };
}
