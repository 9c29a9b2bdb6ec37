// Live events over graphql-ws: delivered to the users they concern only, across two instances on
// one database, never for a rolled-back change, never twice; sockets authenticated and closed when
// their credentials end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../server/src/accounts/user.entity.js';
import type { ApiClient } from '../support/api-client.js';
import { buildUser, signIn, type BuiltUser } from '../support/factories.js';
import { settle, subscribe } from '../support/live.js';
import { MAX_SOCKETS_PER_USER } from '../../server/src/graphql/socket.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { downloadUrl, fetchBytes, randomFile, sendOk } from '../support/uploads.js';

const RECEIVED = `subscription { messageReceived { id subject sender { email } files { name } } }`;
const VIEWED = `subscription { messageViewed { message { id } recipient { email } at } }`;
const DOWNLOADED = `subscription { fileDownloaded { message { id } file { id name } recipient { email } at } }`;
const DELETED = `subscription { messageDeleted { messageId by { email } at } }`;

let one: TestServer;
let two: TestServer;
let agent: BuiltUser;
let partner: BuiltUser;
let stranger: BuiltUser;
let agentOnOne: ApiClient;
let partnerOnTwo: ApiClient;

beforeAll(async () => {
  one = await startTestServer();
  two = await startTestServer({ peer: one });
  agent = await buildUser(one, { role: Role.AGENT });
  partner = await buildUser(one, { role: Role.PARTNER });
  stranger = await buildUser(one, { role: Role.AGENT });
  agentOnOne = await signIn(one, agent);
  partnerOnTwo = await signIn(two, partner);
});
afterAll(async () => {
  await two?.close();
  await one?.close();
});

describe('live events across two instances', () => {
  it('cross both ways, carry what each user may see, and reach no one else', async () => {
    const strangerClient = await signIn(one, stranger);
    const watchers = [RECEIVED, VIEWED, DOWNLOADED, DELETED].map((q) => subscribe(one.url, strangerClient, q));
    const partnerInbox = subscribe(two.url, partnerOnTwo, RECEIVED);
    const agentViewed = subscribe(one.url, agentOnOne, VIEWED);
    const agentDownloaded = subscribe(one.url, agentOnOne, DOWNLOADED);
    const agentDeleted = subscribe(one.url, agentOnOne, DELETED);
    await settle();

    const sent = await sendOk(agentOnOne, { recipients: [partner.email], subject: 'En direct' }, [randomFile('direct.pdf', 1000)]);
    const received = await partnerInbox.next();
    expect(received).toEqual({ data: { messageReceived: { id: sent.id, subject: 'En direct', sender: { email: agent.email }, files: [{ name: 'direct.pdf' }] } } });

    await partnerOnTwo.gql(`mutation ($id: ID!) { openMessage(id: $id) { id } }`, { id: sent.id });
    const viewed = await agentViewed.next();
    expect(viewed.data.messageViewed).toMatchObject({ message: { id: sent.id }, recipient: { email: partner.email } });

    await fetchBytes(await downloadUrl(partnerOnTwo, sent.files[0].id));
    const downloaded = await agentDownloaded.next();
    expect(downloaded.data.fileDownloaded).toMatchObject({ message: { id: sent.id }, file: { id: sent.files[0].id, name: 'direct.pdf' }, recipient: { email: partner.email } });

    // the partner's other page (on the other instance) hears of their own deletion too
    const partnerDeleted = subscribe(one.url, await signIn(one, partner), DELETED);
    await settle();
    await partnerOnTwo.gql(`mutation ($id: ID!) { deleteMessage(id: $id) }`, { id: sent.id });
    const deleted = await agentDeleted.next();
    expect(deleted.data.messageDeleted).toMatchObject({ messageId: sent.id, by: { email: partner.email } });
    expect((await partnerDeleted.next()).data.messageDeleted).toMatchObject({ messageId: sent.id, by: { email: partner.email } });
    await partnerDeleted.close();

    await new Promise((r) => setTimeout(r, 500));
    expect(watchers.flatMap((w) => w.events)).toEqual([]);
    for (const s of [...watchers, partnerInbox, agentViewed, agentDownloaded, agentDeleted]) await s.close();
  });

  it('never announces a change that rolled back, and never delivers an event twice', async () => {
    const inbox = subscribe(one.url, agentOnOne, RECEIVED);
    await settle();
    const message = await sendOk(partnerOnTwo, { recipients: [agent.email], subject: 'avant' }, [randomFile('a', 1)]);
    await inbox.next((e) => e.data.messageReceived.id === message.id);
    // A publication inside a transaction that fails is never delivered.
    await one.services.orm.em
      .fork()
      .transactional(async (tx) => {
        await one.services.live.publish(tx, { topic: 'messageReceived', messageId: message.id, to: [agent.id], at: new Date() });
        throw new Error('rolled back');
      })
      .catch(() => {});
    // A refused send (unknown recipient) publishes nothing either.
    await sendOk(partnerOnTwo, { recipients: [agent.email, 'personne@test.example'] }, [randomFile('b', 1)]).catch(() => {});
    await new Promise((r) => setTimeout(r, 500));
    expect(inbox.events).toHaveLength(1);
    await inbox.close();
  });

  it('a reconnecting client catches up with a query and gets no duplicates', async () => {
    const first = subscribe(one.url, agentOnOne, RECEIVED);
    await settle();
    const a = await sendOk(partnerOnTwo, { recipients: [agent.email], subject: 'un' }, [randomFile('a', 1)]);
    await first.next((e) => e.data.messageReceived.id === a.id);
    await first.close();
    const missed = await sendOk(partnerOnTwo, { recipients: [agent.email], subject: 'pendant la coupure' }, [randomFile('b', 1)]);
    const second = subscribe(two.url, agentOnOne, RECEIVED);
    await settle();
    const { inbox } = await agentOnOne.gql(`{ inbox(first: 5) { items { id sentAt } } }`);
    expect(inbox.items.map((m: { id: string }) => m.id)).toContain(missed.id);
    const c = await sendOk(partnerOnTwo, { recipients: [agent.email], subject: 'trois' }, [randomFile('c', 1)]);
    await second.next((e) => e.data.messageReceived.id === c.id);
    await new Promise((r) => setTimeout(r, 300));
    expect(second.events.map((e) => e.data.messageReceived.id)).toEqual([c.id]);
    await second.close();
  });
});

describe('socket authentication', () => {
  it('refuses a foreign Origin before the upgrade and a bad bearer token', async () => {
    const foreign = subscribe(one.url, agentOnOne, RECEIVED, 'https://evil.example');
    expect(await foreign.closed).not.toBe(1000);
    expect(foreign.events).toEqual([]);
    const bad = subscribe(one.url, { authorization: 'Bearer plex_not-a-token' }, RECEIVED);
    expect(await bad.closed).toBe(4403);
  });

  it('accepts a bearer token in connectionParams and closes the socket when it is revoked', async () => {
    const { createApiToken } = await agentOnOne.gql(`mutation { createApiToken(name: "live") { id token } }`);
    const live = subscribe(one.url, { authorization: `Bearer ${createApiToken.token}` }, RECEIVED);
    await settle();
    const message = await sendOk(partnerOnTwo, { recipients: [agent.email], subject: 'jeton' }, [randomFile('a', 1)]);
    await live.next((e) => e.data.messageReceived.id === message.id);
    await agentOnOne.gql(`mutation ($id: ID!) { revokeApiToken(id: $id) }`, { id: createApiToken.id });
    expect(await live.closed).toBe(4403);
  });

  it('closes the sockets of a session that logs out, on another instance too', async () => {
    const user = await buildUser(one);
    const session = await signIn(two, user);
    const socket = subscribe(one.url, session, RECEIVED);
    await settle();
    await session.gql(`mutation { logout }`);
    expect(await socket.closed).toBe(4403);
  });

  it('closes the sockets of a disabled user', async () => {
    const user = await buildUser(one);
    const session = await signIn(one, user);
    const socket = subscribe(two.url, session, RECEIVED);
    await settle();
    const admin = await signIn(one, await buildUser(one, { role: Role.ADMIN }));
    await admin.gql(`mutation ($id: ID!) { disableUser(id: $id) { id } }`, { id: user.id });
    expect(await socket.closed).toBe(4403);
  });

  it('closes a socket that sends no connection_init in time', async () => {
    const { default: WebSocket } = await import('ws');
    const socket = new WebSocket(`${one.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws', { headers: { origin: one.url } });
    const code = await new Promise<number>((resolve) => socket.on('close', (c) => resolve(c)));
    expect(code).toBe(4408);
  }, 15_000);

  it(`caps the open sockets of one user at ${MAX_SOCKETS_PER_USER}`, async () => {
    const user = await buildUser(one);
    const session = await signIn(one, user);
    const sockets = Array.from({ length: MAX_SOCKETS_PER_USER }, () => subscribe(one.url, session, RECEIVED));
    await settle();
    const extra = subscribe(one.url, session, RECEIVED);
    expect(await extra.closed).toBe(4403);
    await sockets[0].close();
    await settle();
    const again = subscribe(one.url, session, RECEIVED);
    await settle();
    const message = await sendOk(agentOnOne, { recipients: [user.email], subject: 'plafond' }, [randomFile('a', 1)]);
    await again.next((e) => e.data.messageReceived.id === message.id);
    for (const s of [...sockets.slice(1), again]) await s.close();
  });

  it('requires a signed-in viewer to subscribe', async () => {
    const anonymous = subscribe(one.url, one.client(), RECEIVED);
    await new Promise((r) => setTimeout(r, 300));
    expect(anonymous.events).toEqual([{ errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) })] }]);
    await anonymous.close();
  });

  it('applies the same limits as HTTP', async () => {
    const aliases = Array.from({ length: 21 }, (_, i) => `a${i}: features { mailCatcher }`).join(' ');
    const over = subscribe(one.url, agentOnOne, `{ ${aliases} }`);
    await new Promise((r) => setTimeout(r, 300));
    expect(JSON.stringify(over.events)).toContain('QUERY_TOO_COMPLEX');
    await over.close();
  });
});
