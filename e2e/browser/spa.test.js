// The demo page and portcullis-client.js in a real Chromium, through a running gateway, with the
// session bound to a key the browser holds.
//
//   PORTCULLIS_GATEWAY_URL=http://localhost:8080 PORTCULLIS_ACCESS_TTL_MS=3000 \
//   PORTCULLIS_AUTH_MANAGEMENT_URL=http://127.0.0.1:9081 PORTCULLIS_ADMIN_SECRET=... npm test
//
// The gateway must serve the demo page at / and the auth service must issue access tokens that
// live PORTCULLIS_ACCESS_TTL_MS (a few seconds: every expiry step waits that long), with its
// management port and admin secret given (one step withdraws a signing key). Normally the
// JUnit class BrowserTests starts Portcullis that way and runs this file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const GATEWAY = required('PORTCULLIS_GATEWAY_URL').replace(/\/$/, '');
const ACCESS_TTL_MS = Number(process.env.PORTCULLIS_ACCESS_TTL_MS ?? 3000);
const MANAGEMENT = required('PORTCULLIS_AUTH_MANAGEMENT_URL').replace(/\/$/, '');
const ADMIN_SECRET = required('PORTCULLIS_ADMIN_SECRET');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const SCREENSHOTS = fileURLToPath(new URL('../target/browser-screenshots/', import.meta.url));
const ACCESS = '__Host-access_token';
const REFRESH = '__Secure-refresh_token';
const PASSWORD = 'correct horse battery staple';
const EMAIL = `browser-${Date.now()}@example.org`;
// generous: CI machines are small and may be busy
const STEP_TIMEOUT_MS = 90_000;

let browser;
let failed = false;
/** The first browser (context A) with two tabs, a second browser (context B), each counting refreshes. */
const a = {};
const b = {};

before(async () => {
	rmSync(SCREENSHOTS, { recursive: true, force: true });
	mkdirSync(SCREENSHOTS, { recursive: true });
	// launch() gives Chromium a fresh temporary profile each run and deletes it on close
	browser = await chromium.launch({
		executablePath: CHROMIUM,
		headless: true,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			'--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
});

after(async () => {
	await browser?.close();
});

step('demo page when registering and logging in then shows the user and sets HttpOnly Secure cookies', async () => {
	Object.assign(a, await newBrowserContext());
	a.tab1 = await openDemo(a.context);
	await expectState(a.tab1, 'signed-out');
	await a.tab1.fill('#email', EMAIL);
	await a.tab1.fill('#password', PASSWORD);
	await a.tab1.click('#register');
	await a.tab1.waitForFunction(() => document.getElementById('form-message').textContent.startsWith('Registered'));
	await screenshot(a.tab1, '01-registered');
	await a.tab1.click('#login');
	await expectState(a.tab1, 'signed-in');
	await forgetHistory(a, a.tab1);
	assert.equal(await a.tab1.textContent('#status'), `Logged in as ${EMAIL}`);
	await a.tab1.waitForSelector('#sessions[data-count="1"]');

	const cookies = await authCookies(a.context);
	assert.ok(cookies.get(ACCESS), 'access cookie set');
	assert.ok(cookies.get(REFRESH), 'refresh cookie set');
	for (const cookie of cookies.values()) {
		assert.equal(cookie.httpOnly, true, `${cookie.name} HttpOnly`);
		assert.equal(cookie.secure, true, `${cookie.name} Secure`);
	}
	assert.equal(cookies.get(REFRESH).path, '/auth');
	assert.equal(await a.tab1.evaluate(() => document.cookie), '', 'page script sees no token');
	await screenshot(a.tab1, '02-logged-in');
});

step('login then the session is bound to a key this browser keeps and cannot export', async () => {
	const seen = await a.tab1.evaluate(async () => {
		const { sessionBinding } = await import('/portcullis-client.js');
		const stored = await new Promise((resolve, reject) => {
			const opening = indexedDB.open('portcullis');
			opening.onerror = () => reject(opening.error);
			opening.onsuccess = () => {
				const reading = opening.result.transaction('keys', 'readonly').objectStore('keys').get('session');
				reading.onsuccess = () => resolve(reading.result);
				reading.onerror = () => reject(reading.error);
			};
		});
		let exportRefused = null;
		try {
			await crypto.subtle.exportKey('pkcs8', stored.privateKey);
		}
		catch (error) {
			exportRefused = error.name;
		}
		return { binding: sessionBinding(), extractable: stored.privateKey.extractable,
			curve: stored.privateKey.algorithm.namedCurve, jwk: stored.jwk, exportRefused };
	});
	assert.deepEqual(seen.binding, { bound: true });
	assert.equal(seen.extractable, false);
	assert.equal(seen.curve, 'P-256');
	assert.equal(seen.exportRefused, 'InvalidAccessError', 'exportKey of the private key fails');
	assert.deepEqual(Object.keys(seen.jwk).sort(), ['crv', 'kty', 'x', 'y'], 'only the public half is in the proofs');

	// a failed login meanwhile (a wrong password) leaves the live session's key in place
	const after = await a.tab1.evaluate(async (email) => {
		const { login } = await import('/portcullis-client.js');
		let code = null;
		try {
			await login(email, 'not the password at all');
		}
		catch (error) {
			code = error.code;
		}
		const stored = await new Promise((resolve, reject) => {
			const opening = indexedDB.open('portcullis');
			opening.onerror = () => reject(opening.error);
			opening.onsuccess = () => {
				const reading = opening.result.transaction('keys', 'readonly').objectStore('keys').getAll();
				reading.onsuccess = () => resolve(reading.result);
				reading.onerror = () => reject(reading.error);
			};
		});
		return { code, keys: stored.map((record) => record.jwk.x) };
	}, EMAIL);
	assert.equal(after.code, 'invalid_credentials');
	assert.deepEqual(after.keys, [seen.jwk.x], 'one key, the session\'s');
});

step('call upstream through the gateway then the upstream sees the identity and no auth cookies', async () => {
	const echo = await callUpstream(a.tab1, 1);
	const me = await a.tab1.evaluate(async () => (await import('/portcullis-client.js')).me());
	assert.equal(echo.path, '/hello');
	assert.equal(echo.identity['X-User-Id'], me.id);
	assert.deepEqual(Object.keys(echo.cookies ?? {}).filter((name) => name.startsWith('__')), []);
	await screenshot(a.tab1, '03-upstream-call');
});

step('call after the access token expired then refreshes once transparently and succeeds', async () => {
	await waitPastAccessTtl();
	assert.equal((await authCookies(a.context)).has(ACCESS), false, 'the browser dropped the expired access cookie');
	const refreshesBefore = a.refreshes.length;
	const echo = await callUpstream(a.tab1, 2);
	assert.equal(echo.path, '/hello');
	assert.equal(a.refreshes.length - refreshesBefore, 1, 'exactly one refresh');
	assert.deepEqual(await loggedOutEvents(a.tab1), []);
	assert.ok((await authCookies(a.context)).has(ACCESS), 'a new access cookie');
	await screenshot(a.tab1, '04-after-transparent-refresh');
});

step('concurrent calls in one tab after expiry then share one refresh', async () => {
	await waitPastAccessTtl();
	const refreshesBefore = a.refreshes.length;
	const statuses = await a.tab1.evaluate(async () => {
		const { authFetch } = await import('/portcullis-client.js');
		const responses = await Promise.all([1, 2, 3, 4, 5].map((n) => authFetch(`/api/parallel/${n}`)));
		return responses.map((response) => response.status);
	});
	assert.deepEqual(statuses, [200, 200, 200, 200, 200]);
	assert.equal(a.refreshes.length - refreshesBefore, 1, 'one refresh for five calls');
	assert.deepEqual(await loggedOutEvents(a.tab1), []);
});

step('two tabs hitting expiry at the same moment then both carry on with one refresh (Web Locks)', async () => {
	a.tab2 = await openDemo(a.context);
	await expectState(a.tab2, 'signed-in');
	await waitPastAccessTtl();
	const refreshesBefore = a.refreshes.length;
	const calls1 = await callCount(a.tab1);
	await Promise.all([a.tab1, a.tab2].map((tab) => tab.evaluate(() => document.getElementById('call-upstream').click())));
	await Promise.all([waitForCall(a.tab1, calls1 + 1), waitForCall(a.tab2, 1)]);
	for (const tab of [a.tab1, a.tab2]) {
		assert.equal(await tab.getAttribute('#upstream-result', 'data-status'), '200');
		assert.deepEqual(await loggedOutEvents(tab), []);
		assert.equal(await tab.getAttribute('#status', 'data-state'), 'signed-in');
	}
	assert.equal(a.refreshes.length - refreshesBefore, 1, 'the two tabs shared one refresh');
	assert.ok(a.refreshes.every((refresh) => refresh.proof), 'every refresh of the bound session carried a proof');
	await screenshot(a.tab1, '05-two-tabs-tab1');
	await screenshot(a.tab2, '05-two-tabs-tab2');
});

step('two tabs at expiry without Web Locks then both carry on (BroadcastChannel fallback)', async () => {
	const c = await newBrowserContext();
	await c.context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'locks', { get: () => undefined }));
	const tab1 = await openDemo(c.context);
	await login(c, tab1);
	const tab2 = await openDemo(c.context);
	await expectState(tab2, 'signed-in');
	assert.equal(await tab2.evaluate(() => navigator.locks), undefined, 'Web Locks hidden');
	await waitPastAccessTtl();
	const refreshesBefore = c.refreshes.length;
	await Promise.all([tab1, tab2].map((tab) => tab.evaluate(() => document.getElementById('call-upstream').click())));
	await Promise.all([waitForCall(tab1, 1), waitForCall(tab2, 1)]);
	for (const tab of [tab1, tab2]) {
		assert.equal(await tab.getAttribute('#upstream-result', 'data-status'), '200');
		assert.deepEqual(await loggedOutEvents(tab), []);
	}
	const refreshes = c.refreshes.length - refreshesBefore;
	assert.ok(refreshes >= 1 && refreshes <= 2, `one or two refreshes, was ${refreshes}`);
	await tab1.click('#logout');
	await expectState(tab1, 'signed-out');
	await c.context.close();
});

step('live echo across access-token expiry then the socket refreshes once and reconnects, and echo goes on', async () => {
	// the access cookie is gone: the first upgrade is refused, so the client refreshes once and retries
	await a.tab1.bringToFront();
	await waitPastAccessTtl();
	const refreshesBefore = a.refreshes.length;
	await a.tab1.click('#echo-connect');
	await a.tab1.waitForSelector('#echo-log[data-state="open"][data-opens="1"]');
	assert.equal(await a.tab1.getAttribute('#echo-log', 'data-last-close'), 'upgrade refused');
	assert.equal(a.refreshes.length - refreshesBefore, 1, 'one refresh before the socket opened');
	const me = await a.tab1.evaluate(async () => (await import('/portcullis-client.js')).me());
	await a.tab1.waitForFunction(() => document.getElementById('echo-log').dataset.last?.startsWith('{'), null,
		{ polling: 50 });
	const opened = JSON.parse(await a.tab1.getAttribute('#echo-log', 'data-last'));
	assert.equal(opened.identity['X-User-Id'], me.id, 'the upstream saw the identity on the upgrade');
	await sendEcho(a.tab1, 'before expiry');
	await screenshot(a.tab1, '05b-live-echo');

	// the gateway closes the socket when its token expires: 4401 token_expired, one refresh, reconnected
	const refreshesAtOpen = a.refreshes.length;
	await a.tab1.waitForSelector('#echo-log[data-state="open"][data-opens="2"]', { timeout: ACCESS_TTL_MS + 15_000 });
	assert.equal(await a.tab1.getAttribute('#echo-log', 'data-last-close'), '4401 token_expired');
	assert.equal(a.refreshes.length - refreshesAtOpen, 1, 'one refresh for the reconnection');
	await sendEcho(a.tab1, 'after expiry');
	assert.deepEqual(await loggedOutEvents(a.tab1), []);
	assert.equal(await a.tab1.getAttribute('#status', 'data-state'), 'signed-in');
	await screenshot(a.tab1, '05c-live-echo-reconnected');
	await a.tab1.click('#echo-disconnect');
	await a.tab1.waitForSelector('#echo-log[data-state="closed"]');
});

step('signing key withdrawn by an operator then the next call refreshes once and carries on, not logged out', async () => {
	await a.tab1.bringToFront();
	const signing = keyIdOf(await freshAccessToken(a));
	// what a web page can do: a no-cors POST, which carries no Authorization, changes nothing
	await a.tab1.evaluate(async (url) => {
		try {
			await fetch(url, { method: 'POST', mode: 'no-cors' });
		}
		catch {
			// refused by the browser or the network: as harmless as an answer it cannot read
		}
	}, `${MANAGEMENT}/actuator/signingkeys/${encodeURIComponent(signing)}`);
	assert.ok((await publishedKids()).includes(signing), 'a browser request did not withdraw the key');

	// Tokens live ACCESS_TTL_MS here, and generating the replacement key can take longer on a busy
	// machine. So the browser keeps renewing its cookies while the withdrawal runs and keeps the
	// last token the withdrawn key signed: issued just before the withdrawal took effect. If that
	// token still expires before the gateway hears of it, the round is tried again.
	for (let attempt = 1; ; attempt++) {
		let token = await freshAccessToken(a);
		const kid = keyIdOf(token);
		let withdrawn = false;
		const withdrawal = withdrawKey(kid).finally(() => {
			withdrawn = true;
		});
		while (!withdrawn) {
			const fresh = await freshAccessToken(a);
			if (keyIdOf(fresh) === kid) {
				token = fresh;
			}
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
		await withdrawal;
		await keepAccessCookie(a.context, token);
		const seen = await gatewayAnswer(token);
		if (seen !== 'key_withdrawn') {
			assert.ok(attempt < 3, `the gateway answered ${seen}, not key_withdrawn, three times`);
			continue;
		}
		const refreshesBefore = a.refreshes.length;
		const calls = await callCount(a.tab1);
		const refused = a.tab1.waitForResponse((response) => new URL(response.url()).pathname === '/api/hello'
			&& response.status() === 401);
		await a.tab1.click('#call-upstream');
		const code = (await (await refused).json()).code;
		await waitForCall(a.tab1, calls + 1);
		if (code !== 'key_withdrawn' && attempt < 3) {
			continue;
		}
		assert.equal(code, 'key_withdrawn');
		assert.equal(await a.tab1.getAttribute('#upstream-result', 'data-status'), '200', 'retried after one refresh');
		assert.equal(a.refreshes.length - refreshesBefore, 1, 'exactly one refresh');
		assert.deepEqual(await loggedOutEvents(a.tab1), []);
		assert.equal(await a.tab1.getAttribute('#status', 'data-state'), 'signed-in');
		const renewed = (await authCookies(a.context)).get(ACCESS).value;
		assert.notEqual(keyIdOf(renewed), kid, 'the new token is signed by another key');
		await screenshot(a.tab1, '05d-key-withdrawn-refreshed');
		return;
	}
});

step('revoke a session in one tab then the other browser tab is logged out on its next call', async () => {
	Object.assign(b, await newBrowserContext());
	b.tab = await openDemo(b.context);
	await login(b, b.tab);
	await a.tab1.click('#load-sessions');
	await a.tab1.waitForSelector('#sessions[data-count="2"]');
	await screenshot(a.tab1, '06-sessions-before-revoke');
	// a fresh access token for the browser about to be revoked, so it is still alive when the
	// revocation arrives (tokens live ACCESS_TTL_MS here)
	assert.equal(await b.tab.evaluate(async () => (await (await import('/portcullis-client.js')).renew()).status), 200);
	await a.tab1.click('#sessions tr:not(.current) button.revoke');
	await a.tab1.waitForSelector('#sessions[data-count="1"]');
	assert.equal(await a.tab1.getAttribute('#sessions tr', 'class'), 'current');

	// the revocation reaches the gateway within a second: the revoked browser's next call is
	// refused with session_revoked, no refresh is tried, and the client clears the cookies
	await waitForRevocation((await authCookies(b.context)).get(ACCESS).value);
	await b.tab.click('#call-upstream');
	await expectState(b.tab, 'signed-out');
	assert.deepEqual((await loggedOutEvents(b.tab)).map((detail) => detail.code), ['session_revoked']);
	assert.equal((await authCookies(b.context)).size, 0, 'the client cleared the cookies');
	await screenshot(b.tab, '08-other-tab-logged-out');
	assert.equal(await a.tab1.getAttribute('#status', 'data-state'), 'signed-in', 'the revoking tab stays logged in');
	await screenshot(a.tab1, '07-session-revoked');
});

step('logout then cookies are cleared and every tab of the browser is logged out', async () => {
	await a.tab1.click('#logout');
	await expectState(a.tab1, 'signed-out');
	assert.equal((await authCookies(a.context)).size, 0, 'no auth cookie left');
	await expectState(a.tab2, 'signed-out');
	assert.deepEqual((await loggedOutEvents(a.tab2)).map((detail) => detail.code), ['logged_out']);
	const status = await a.tab1.evaluate(async () => (await fetch('/api/hello')).status);
	assert.equal(status, 401);
	await screenshot(a.tab1, '09-logged-out');
	await screenshot(a.tab2, '09-logged-out-tab2');
});

step('browser without IndexedDB (a private mode) then login goes unbound, says so, and refreshes as before', async () => {
	const c = await newBrowserContext();
	await c.context.addInitScript(() => Object.defineProperty(window, 'indexedDB', { get: () => undefined }));
	const tab = await openDemo(c.context);
	await login(c, tab);
	assert.deepEqual(await tab.evaluate(async () => (await import('/portcullis-client.js')).sessionBinding()),
		{ bound: false, reason: 'indexeddb-unavailable' });
	await waitPastAccessTtl();
	await callUpstream(tab, 1);
	assert.equal(c.refreshes.length, 1, 'one refresh after expiry');
	assert.equal(c.refreshes[0].proof, false, 'without a key, no proof');
	assert.deepEqual(await loggedOutEvents(tab), []);
	await screenshot(tab, '10-unbound-private-mode');
	await tab.click('#logout');
	await expectState(tab, 'signed-out');
	await c.context.close();
});

step('refresh cookie copied into another browser then refused, and the session ends at the gateway', async () => {
	// another "device", ready before the owner logs in: the steps below must fit in one access-token lifetime
	const thief = await newBrowserContext();
	const thiefTab = await thief.context.newPage();
	await thiefTab.goto('/api/hello');
	const owner = await newBrowserContext();
	owner.tab = await openDemo(owner.context);
	await login(owner, owner.tab);
	const cookies = await authCookies(owner.context);
	const access = cookies.get(ACCESS).value;

	// the refresh cookie as infostealer malware would copy it, but not the key
	await thief.context.addCookies([{ name: REFRESH, value: cookies.get(REFRESH).value, domain: new URL(GATEWAY).hostname,
		path: '/auth', httpOnly: true, secure: true, sameSite: 'Strict' }]);
	const refused = await thiefTab.evaluate(async () => {
		const response = await fetch('/auth/refresh', { method: 'POST' });
		return { status: response.status, code: (await response.json()).code };
	});
	assert.deepEqual(refused, { status: 401, code: 'invalid_proof' });

	// the session is over: the gateway refuses the owner's still-unexpired access token, and the
	// owner's next call logs it out (session_revoked; invalid_refresh if its access token expired
	// meanwhile on a slow machine and the client tried its refresh, with a proof, in vain)
	await waitForRevocation(access);
	await owner.tab.click('#call-upstream');
	await expectState(owner.tab, 'signed-out');
	const codes = (await loggedOutEvents(owner.tab)).map((detail) => detail.code);
	assert.equal(codes.length, 1, `one logged-out event, were ${codes}`);
	assert.ok(['session_revoked', 'invalid_refresh'].includes(codes[0]), `logged out for the ended session, was ${codes[0]}`);
	await screenshot(owner.tab, '11-stolen-refresh-cookie-session-ended');
	await thief.context.close();
	await owner.context.close();
});

/** A test that is skipped once an earlier one failed: the steps build on each other. */
function step(name, body) {
	test(name, { timeout: STEP_TIMEOUT_MS }, async (t) => {
		if (failed) {
			t.skip('an earlier step failed');
			return;
		}
		try {
			await body();
		}
		catch (error) {
			failed = true;
			await Promise.all([a.tab1, a.tab2, b.tab].filter(Boolean)
				.map((tab, index) => screenshot(tab, `failed-${name.slice(0, 40).replace(/\W+/g, '-')}-${index}`)));
			throw error;
		}
	});
}

async function newBrowserContext() {
	const context = await browser.newContext({ baseURL: GATEWAY });
	const refreshes = [];
	context.on('request', (request) => {
		if (request.method() === 'POST' && new URL(request.url()).pathname === '/auth/refresh') {
			refreshes.push({ url: request.url(), proof: 'dpop' in request.headers() });
		}
	});
	await context.addInitScript(() => {
		window.loggedOutEvents = [];
		window.addEventListener('portcullis:logged-out', (event) => window.loggedOutEvents.push(event.detail));
	});
	return { context, refreshes };
}

async function openDemo(context) {
	const page = await context.newPage();
	page.setDefaultTimeout(30_000);
	page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
	await page.goto('/');
	await page.waitForFunction(() => document.getElementById('status').dataset.state !== 'unknown');
	return page;
}

async function login(browserContext, page) {
	await page.fill('#email', EMAIL);
	await page.fill('#password', PASSWORD);
	await page.click('#login');
	await expectState(page, 'signed-in');
	await forgetHistory(browserContext, page);
}

/**
 * Forgets the refresh attempt and logged-out event of the page's first load: a visitor without
 * an access cookie may still hold a refresh cookie, so the client tries one refresh before
 * reporting "logged out".
 */
async function forgetHistory(browserContext, page) {
	browserContext.refreshes.length = 0;
	await page.evaluate(() => {
		window.loggedOutEvents = [];
	});
}

async function expectState(page, state) {
	await page.waitForSelector(`#status[data-state="${state}"]`);
}

/** Clicks the upstream button and returns what the upstream echoed. */
async function callUpstream(page, expectedCall) {
	await page.click('#call-upstream');
	await waitForCall(page, expectedCall);
	assert.equal(await page.getAttribute('#upstream-result', 'data-status'), '200');
	const text = await page.textContent('#upstream-result');
	return JSON.parse(text.slice(text.indexOf('\n') + 1));
}

async function waitForCall(page, n) {
	await page.waitForSelector(`#upstream-result[data-call="${n}"]`);
}

async function callCount(page) {
	return Number(await page.getAttribute('#upstream-result', 'data-call') ?? 0);
}

/** Sends a message on the demo page's live echo and waits for the upstream to echo it. */
async function sendEcho(page, text) {
	await page.fill('#echo-text', text);
	await page.click('#echo-send');
	await page.waitForFunction((sent) => document.getElementById('echo-log').textContent.includes(`← ${sent}\n`), text,
		{ polling: 50 });
}

async function loggedOutEvents(page) {
	return page.evaluate(() => window.loggedOutEvents);
}

async function authCookies(context) {
	const cookies = await context.cookies(GATEWAY + '/auth/');
	return new Map(cookies.filter((cookie) => cookie.name === ACCESS || cookie.name === REFRESH)
		.map((cookie) => [cookie.name, cookie]));
}

/** Renews the browser's cookies now (the page's own fetch) and returns the new access token. */
async function freshAccessToken(browserContext) {
	const tab = browserContext.tab1 ?? browserContext.tab;
	assert.equal(await tab.evaluate(async () => (await (await import('/portcullis-client.js')).renew()).status), 200);
	return (await authCookies(browserContext.context)).get(ACCESS).value;
}

function keyIdOf(token) {
	return JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')).kid;
}

async function publishedKids() {
	const jwks = await (await fetch(GATEWAY + '/.well-known/jwks.json')).json();
	return jwks.keys.map((key) => key.kid);
}

/** Puts this access token (back) in the browser, as the auth service set it: the page's next call sends it. */
async function keepAccessCookie(context, token) {
	const { exp } = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
	// domain and path rather than url: Chromium refuses a Secure cookie given with an http: url
	await context.addCookies([{ name: ACCESS, value: token, domain: new URL(GATEWAY).hostname, path: '/', httpOnly: true,
		secure: true, sameSite: 'Lax', expires: exp }]);
}

/** What an operator does: POST /actuator/signingkeys/{kid} on the auth service's management port, with the admin secret. */
async function withdrawKey(kid) {
	const response = await fetch(`${MANAGEMENT}/actuator/signingkeys/${encodeURIComponent(kid)}`,
		{ method: 'POST', headers: { Authorization: `Bearer ${ADMIN_SECRET}` } });
	assert.equal(response.status, 200, `withdrawal of ${kid}: ${await response.text()}`);
}

/** Polls the gateway with this access token (at most 2 s) until it refuses it; returns the refusal's code. */
async function gatewayAnswer(accessToken) {
	const deadline = Date.now() + 2000;
	let seen;
	while (Date.now() < deadline) {
		const response = await fetch(GATEWAY + '/api/hello', { headers: { Cookie: `${ACCESS}=${accessToken}` } });
		seen = response.status === 401 ? (await response.json()).code : response.status;
		if (response.status === 401) {
			return seen;
		}
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
	return seen;
}

/** Waits (at most 2 s) until the gateway refuses this access token with session_revoked. */
async function waitForRevocation(accessToken) {
	const deadline = Date.now() + 2000;
	while (Date.now() < deadline) {
		const response = await fetch(GATEWAY + '/api/hello', { headers: { Cookie: `${ACCESS}=${accessToken}` } });
		const code = response.status === 401 ? (await response.json()).code : undefined;
		if (code === 'session_revoked') {
			return;
		}
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
	assert.fail('the gateway did not refuse the revoked session within 2 s');
}

function waitPastAccessTtl() {
	return new Promise((resolve) => setTimeout(resolve, ACCESS_TTL_MS + 1000));
}

async function screenshot(page, name) {
	await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

function required(name) {
	const value = process.env[name];
	if (!value) {
		throw new Error(`Set ${name}, e.g. ${name}=http://localhost:8080`);
	}
	return value;
}
