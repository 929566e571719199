import { afterEach, describe, expect, it, vi } from 'vitest';

import { ApiError, NETWORK_MESSAGE, exchange, listEstimates, restore, session, setFetch, signOut } from '../src/api/client';

type Call = { url: string; init: RequestInit };

function fake(responses: Array<(call: Call) => Response | Promise<Response>>) {
  const calls: Call[] = [];
  setFetch(async (input, init) => {
    const call = { url: String(input), init: init ?? {} };
    calls.push(call);
    const next = responses.shift();
    if (!next) throw new Error(`unexpected request ${call.url}`);
    return next(call);
  });
  return calls;
}

const json = (status: number, body: unknown) => () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const sessionBody = (token: string, estimate: string | null = null) => ({
  access_token: token,
  token_type: 'Bearer',
  expires_in: 900,
  audience: 'portal',
  scope: 'portal',
  tenant: 'ten_1',
  account: 'acc_1',
  contact: 'con_1',
  staff: null,
  role: 'approver',
  estimate,
});

afterEach(async () => {
  fake([json(200, { status: 'signed_out' })]);
  await signOut();
});

describe('API client', () => {
  it('turns an error body into an ApiError with its code and fields', async () => {
    fake([json(200, sessionBody('t1')), json(400, { error: { code: 'invalid', message: 'Some fields need attention.', fields: { reason: ['is required'] } } })]);
    await exchange('ten_1.x');
    const e = await listEstimates().catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ status: 400, code: 'invalid', fields: { reason: ['is required'] } });
    expect((e as ApiError).retryable).toBe(false);
  });

  it('reports a network failure as retryable with a plain message', async () => {
    setFetch(async () => {
      throw new TypeError('Failed to fetch');
    });
    const e = (await restore().catch((err: unknown) => err)) as ApiError;
    expect(e.code).toBe('network');
    expect(e.message).toBe(NETWORK_MESSAGE);
    expect(e.retryable).toBe(true);
  });

  it('a server error without JSON is still a readable, retryable error', async () => {
    fake([json(200, sessionBody('t1')), () => new Response('<html>bad gateway</html>', { status: 502 })]);
    await exchange('ten_1.x');
    const e = (await listEstimates().catch((err: unknown) => err)) as ApiError;
    expect(e.status).toBe(502);
    expect(e.retryable).toBe(true);
  });

  it('sends the bearer token and refreshes once after a 401', async () => {
    const calls = fake([
      json(200, sessionBody('old')),
      json(401, { error: { code: 'unauthorized', message: 'expired', fields: {} } }),
      json(200, sessionBody('new')),
      json(200, { estimates: [] }),
    ]);
    await exchange('ten_1.x');
    await expect(listEstimates()).resolves.toEqual({ estimates: [] });
    expect(calls.map((c) => c.url)).toEqual(['/api/auth/session', '/api/estimates', '/api/auth/refresh', '/api/estimates']);
    expect((calls[1]?.init.headers as Record<string, string>).authorization).toBe('Bearer old');
    expect((calls[3]?.init.headers as Record<string, string>).authorization).toBe('Bearer new');
  });

  it('a document link session renews by spending the link again, not the refresh cookie', async () => {
    const calls = fake([
      json(200, sessionBody('doc1', 'est_1')),
      json(401, { error: { code: 'unauthorized', message: 'expired', fields: {} } }),
      json(200, sessionBody('doc2', 'est_1')),
      json(200, { estimates: [] }),
    ]);
    await exchange('ten_1.link');
    await listEstimates();
    expect(calls[2]?.url).toBe('/api/auth/session');
    expect(JSON.parse(String(calls[2]?.init.body))).toEqual({ token: 'ten_1.link' });
  });

  it('signs out when the session cannot be renewed', async () => {
    fake([json(200, sessionBody('t1')), json(401, { error: { code: 'unauthorized', message: 'x', fields: {} } }), json(401, { error: { code: 'unauthorized', message: 'ended', fields: {} } })]);
    await exchange('ten_1.x');
    await expect(listEstimates()).rejects.toMatchObject({ status: 401 });
    expect(session()).toBeNull();
  });
});

describe('uploads', () => {
  it('asks how an upload went until it is processed, and gives up in plain words', async () => {
    const { whenProcessed } = await import('../src/api/client');
    const states = ['pending', 'pending', 'ready'] as const;
    let asked = 0;
    const done = await whenProcessed(async () => ({ file: 'fil_1', state: states[asked++] ?? 'ready', reason: null, view: null }), 5);
    expect(done.state).toBe('ready');
    expect(asked).toBe(3);
    const never = await whenProcessed(async () => ({ file: 'fil_2', state: 'pending' as const, reason: null, view: null }), 1);
    expect(never.state).toBe('failed');
    expect(never.reason).toMatch(/Reload the page/);
  });

  it('sends nothing for a file cancelled before its turn came', async () => {
    const { sendFile } = await import('../src/api/client');
    const opened = vi.fn();
    vi.stubGlobal('XMLHttpRequest', class { open = opened; });
    const cancel = new AbortController();
    cancel.abort();
    const slot = { file: 'fil_1', method: 'PUT', url: 'https://bucket.test/u', headers: [], expires_in: 900 };
    await expect(sendFile(slot, new Blob(['x']), () => {}, cancel.signal)).rejects.toMatchObject({ code: 'cancelled' });
    expect(opened).not.toHaveBeenCalled();
    vi.unstubAllGlobals();
  });

  it('reads a 204 deletion as done', async () => {
    const { deleteFile } = await import('../src/api/client');
    fake([() => new Response(null, { status: 204 })]);
    await expect(deleteFile('fil_1')).resolves.toBeUndefined();
  });
});
