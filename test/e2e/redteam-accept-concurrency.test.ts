/**
 * Red team (issue 17 §3), through the local gateway and real cognito-local:
 * the same invitation link accepted by several requests at once, each with
 * its own password (a double-click, a retrying client, an attacker racing the
 * person). Invariant: exactly one 200, and the password of that request is
 * the login's — no loser touches Cognito, so none can scramble or overwrite
 * the winner's password. Several rounds, since a race shows itself only
 * sometimes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/http.ts';
import { client, unique } from './client.ts';
import { identityKit } from './identity-kit.ts';

let gw: TestGateway;
let api: ReturnType<typeof client>;
let kit: ReturnType<typeof identityKit>;

beforeAll(async () => {
  gw = await startTestGateway();
  api = client(gw);
  kit = identityKit(api);
});
afterAll(async () => {
  await gw?.close();
});

const ROUNDS = 5;
const RACERS = 4;

describe('concurrent accepts of one invitation', () => {
  it(`exactly one of ${RACERS} parallel accepts wins, and its password works (${ROUNDS} rounds)`, async () => {
    const t = await api.tenantWithOwner('growth', 'accept-race');
    for (let round = 0; round < ROUNDS; round++) {
      const email = `racer-${round}-${unique()}@e2e.test`;
      const invited = await kit.invite(t, email, { name: 'Racer' });
      const token = await api.invitationToken(email);
      const passwords = Array.from({ length: RACERS }, (_, i) => `Racer${round}x${i}-Passw0rd!`);
      const answers = await Promise.all(
        passwords.map((password) => api.call('POST', '/v1/invitations/accept', { body: { token, password } })),
      );
      const winners = answers.flatMap((res, i) => (res.status === 200 ? [i] : []));
      expect(
        winners,
        `round ${round}: ${answers.map((a) => `${a.status} ${a.body?.code ?? ''}`).join(', ')}`,
      ).toHaveLength(1);
      for (const res of answers.filter((a) => a.status !== 200)) {
        expect([409, 410], JSON.stringify(res.body)).toContain(res.status);
      }
      const won = passwords[winners[0] as number] as string;
      // The winner's password is the login's; every loser's opens nothing.
      await kit.signIn(email, won);
      for (const lost of passwords.filter((p) => p !== won)) await kit.expectNoSignIn(email, lost);
      // And the link is used up.
      const late = await api.call('POST', '/v1/invitations/accept', { body: { token, password: passwords[0] } });
      expect(late.status, JSON.stringify(late.body)).toBe(410);
      // The seat goes back for the next round.
      expect((await api.call('DELETE', `${kit.users(t)}/${invited.id}`, { token: t.ownerToken })).status).toBe(204);
    }
  });
});
