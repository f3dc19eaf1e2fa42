// portcullis-client.js's retry of a 429 on its own, in Node with a stand-in fetch (no gateway):
//
//   npm run test:client
import { test } from 'node:test';
import assert from 'node:assert/strict';

const client = await import('../../gateway-spring-boot-autoconfigure/src/main/resources/META-INF/resources/portcullis-client.js');

/** Makes fetch answer with these responses in turn; returns the methods it was called with. */
function answers(responses) {
	const calls = [];
	globalThis.fetch = async (target, init) => {
		calls.push(init.method ?? 'GET');
		return responses.shift();
	};
	return calls;
}

function rateLimited(retryAfter) {
	const headers = retryAfter === undefined ? {} : { 'Retry-After': retryAfter };
	return new Response('{"code":"rate_limited"}', { status: 429, headers });
}

test('authFetch when GET answered 429 then waits Retry-After and retries once', async () => {
	const calls = answers([rateLimited('1'), new Response('ok', { status: 200 })]);
	const started = Date.now();
	const response = await client.authFetch('http://127.0.0.1:1/api/x');
	assert.equal(response.status, 200);
	assert.deepEqual(calls, ['GET', 'GET']);
	assert.ok(Date.now() - started >= 950, 'waited the Retry-After second');
});

test('authFetch when retry answered 429 again then that 429 is returned', async () => {
	const calls = answers([rateLimited('0'), rateLimited('0')]);
	assert.equal((await client.authFetch('http://127.0.0.1:1/api/x')).status, 429);
	assert.equal(calls.length, 2);
});

test('authFetch when POST answered 429 then not retried', async () => {
	const calls = answers([rateLimited('0')]);
	assert.equal((await client.authFetch('http://127.0.0.1:1/api/x', { method: 'POST', body: 'x' })).status, 429);
	assert.equal(calls.length, 1);
});

test('authFetch when 429 without Retry-After or with a long one then not retried', async () => {
	const calls = answers([rateLimited(undefined), rateLimited('60')]);
	assert.equal((await client.authFetch('http://127.0.0.1:1/api/x')).status, 429);
	assert.equal((await client.authFetch('http://127.0.0.1:1/api/x')).status, 429);
	assert.equal(calls.length, 2);
});
