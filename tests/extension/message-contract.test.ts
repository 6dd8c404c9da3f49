import { describe, expect, it } from 'vitest';
import {
  BACKGROUND_SENDERS,
  BackgroundRequest,
  CONTENT_SENDERS,
  contentRequestSchema,
  senderAllowed,
} from '../../lib/extension/messages/protocol';
import { BACKGROUND_REPLIES, CONTENT_REPLIES } from '../../lib/extension/messages/replies';
import { createMessageClient } from '../../lib/extension/messages/client';
import { createMockClient } from '../../lib/extension/messages/mock';

/** The message contract: every message has a reply schema and a declared sender; anything else is refused. */
const typesOf = (union: { def: { options: ReadonlyArray<{ def: { shape: { type: { def: { values: unknown[] } } } } }> } }) =>
  union.def.options.map((option) => option.def.shape.type.def.values[0] as string).sort();

describe('the message contract', () => {
  const background = typesOf(BackgroundRequest as never);
  const content = typesOf(contentRequestSchema() as never);

  it('lists the messages it knows', () => {
    expect(background.length).toBeGreaterThan(5);
    expect(content).toEqual(['analyze-now', 'jump-to-clause']);
  });

  it('every message type has a reply schema and a declared sender, and nothing else does', () => {
    expect(Object.keys(BACKGROUND_REPLIES).sort()).toEqual(background);
    expect(Object.keys(BACKGROUND_SENDERS).sort()).toEqual(background);
    expect(Object.keys(CONTENT_REPLIES).sort()).toEqual(content);
    expect(Object.keys(CONTENT_SENDERS).sort()).toEqual(content);
  });

  it('every reply schema takes a refusal', () => {
    for (const schema of [...Object.values(BACKGROUND_REPLIES)]) {
      expect(schema.safeParse({ ok: false, error: 'no' }).success).toBe(true);
      expect(schema.safeParse({ ok: 'yes' }).success).toBe(false);
    }
  });

  it('denies by default: an undeclared message, or a sender that is neither a content script nor our page', () => {
    expect(senderAllowed(undefined, 'extension-page')).toBe(false);
    expect(senderAllowed(undefined, 'content-script')).toBe(false);
    for (const declared of Object.values(BACKGROUND_SENDERS)) expect(senderAllowed(declared, 'other')).toBe(false);
    expect(senderAllowed('content-script', 'extension-page')).toBe(false);
    expect(senderAllowed('extension-page', 'content-script')).toBe(false);
    expect(senderAllowed('content-script-or-extension-page', 'content-script')).toBe(true);
    expect(senderAllowed('content-script-or-extension-page', 'extension-page')).toBe(true);
  });
});

describe('the typed client', () => {
  it('checks replies against their schema when given them', async () => {
    const client = createMessageClient({ sendMessage: async () => ({ ok: true, settings: { automatic: 'yes' } }) }, { background: BACKGROUND_REPLIES });
    const reply = await client.send({ type: 'get-settings' });
    expect(reply.ok).toBe(false);
  });

  it('has a mock that answers declared types and refuses the rest', async () => {
    const client = createMockClient({ 'list-history': () => ({ ok: true, entries: [] }) });
    expect(await client.send({ type: 'list-history' })).toEqual({ ok: true, entries: [] });
    expect(await client.send({ type: 'delete-all-data' })).toMatchObject({ ok: false });
    expect(client.sent.map((message) => ('type' in message ? message.type : message.message.type))).toEqual(['list-history', 'delete-all-data']);
  });
});
