/**
 * Portcullis browser client: cookie sessions against a Portcullis gateway, with no dependencies
 * and no build step. Import it straight from the gateway:
 *
 *   import { authFetch, login, onLoggedOut, openSocket } from '/portcullis-client.js';
 *
 * Tokens live in HttpOnly cookies, so this module never sees one. It only decides, from the
 * gateway's 401 `code`, whether to refresh and retry or to tell the app the user is logged out.
 *
 * WebSockets ({@link openSocket}) follow the same rules. The gateway checks the access cookie and
 * the page's `Origin` at the upgrade, and ends an open socket when its access ends, with close
 * code {@link ACCESS_ENDED} (4401) and the 401 `code` as the reason:
 *
 * | close            | meaning                                  | what openSocket does |
 * |------------------|------------------------------------------|----------------------|
 * | 4401 `token_expired`   | the token that opened the socket expired | refreshes once, reconnects once |
 * | 4401 `key_withdrawn`   | an operator withdrew the key that signed it; the session goes on | refreshes once, reconnects once |
 * | 4401 `session_revoked` | logout, revocation, logout everywhere    | clears the cookies, dispatches {@link LOGGED_OUT_EVENT}; no refresh |
 * | closed before open     | the upgrade was refused (the browser hides the 401/403) | refreshes once, reconnects once; a refresh answered 401 dispatches {@link LOGGED_OUT_EVENT} |
 * | anything else          | the upstream or the network ended it     | `onClose`; reconnecting is up to the app |
 *
 * @module portcullis-client
 */

/** Name of the event dispatched on `window` when the user is no longer logged in. */
export const LOGGED_OUT_EVENT = 'portcullis:logged-out';

/** 401 codes after which one refresh is attempted before giving up. */
const REFRESHABLE = new Set([
	'token_expired',
	// The browser drops the access cookie when its Max-Age (the token lifetime) runs out, so an
	// expired session usually shows up as a missing token while the refresh cookie is still live.
	'token_missing',
	// The key that signed the token was withdrawn (say it leaked): the session is intact and the
	// refreshed token is signed by another key. Never a logout.
	'key_withdrawn',
]);

/**
 * 401 code of a valid token whose session has ended (logout elsewhere, a revoked device, theft
 * detected): no refresh can help, so the user is logged out at once and the stale cookies cleared.
 */
const SESSION_REVOKED = 'session_revoked';

/**
 * WebSocket close code with which the gateway ends a socket whose access ended; the close reason
 * is the 401 `code` (`token_expired`, `key_withdrawn` or `session_revoked`).
 */
export const ACCESS_ENDED = 4401;

const LOCK_NAME = 'portcullis-refresh';
const CHANNEL_NAME = 'portcullis';
const REFRESHED_AT_KEY = 'portcullis:refreshed-at';
/** Without Web Locks, how long a tab waits for another tab's announced refresh. */
const FOREIGN_REFRESH_WAIT_MS = 5000;

let baseUrl = new URL('/', import.meta.url).href;
/** Newest time (ms) this tab knows the cookies were renewed, by this tab or another. */
let refreshedAt = 0;
/** This tab's refresh in progress; concurrent calls join it. */
let inFlight = null;
/** Without Web Locks: until when another tab said it is refreshing, and who waits for it. */
let foreignRefreshUntil = 0;
const foreignWaiters = new Set();

const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL_NAME) : null;
if (channel) {
	channel.onmessage = ({ data }) => {
		if (data?.type === 'refreshing') {
			foreignRefreshUntil = Date.now() + FOREIGN_REFRESH_WAIT_MS;
		}
		else if (data?.type === 'refreshed' || data?.type === 'refresh-failed') {
			if (data.type === 'refreshed') {
				refreshedAt = Math.max(refreshedAt, Number(data.at) || 0);
			}
			foreignRefreshUntil = 0;
			foreignWaiters.forEach((wake) => wake());
		}
		else if (data?.type === 'logged-out') {
			dispatchLoggedOut(data.code, data.status);
		}
	};
}

/**
 * An error answer from the auth service (RFC 9457 problem+json), thrown by the helpers below.
 * `fetch` itself failing (network down) rejects with the browser's own TypeError instead.
 */
export class PortcullisError extends Error {
	/**
	 * @param {Response} response the failed answer
	 * @param {{code?: string, detail?: string}} problem its parsed body, when it had one
	 */
	constructor(response, problem) {
		super(problem.detail || `HTTP ${response.status}`);
		this.name = 'PortcullisError';
		/** HTTP status, e.g. 401. */
		this.status = response.status;
		/** The stable problem `code`, e.g. `invalid_credentials`; undefined if the body had none. */
		this.code = problem.code;
		/** Seconds to wait before trying again (429, 503), or null. */
		this.retryAfter = response.headers.has('Retry-After') ? Number(response.headers.get('Retry-After')) : null;
	}
}

/**
 * Changes where the gateway is. By default it is the origin this module was loaded from, which
 * is right whenever the app imports the module from the gateway itself.
 *
 * @param {{baseUrl?: string}} options `baseUrl`: the gateway's root URL, e.g. `https://gw.example.org/`
 */
export function configure({ baseUrl: url } = {}) {
	if (url !== undefined) {
		baseUrl = new URL(url, globalThis.location?.href).href;
	}
}

/**
 * `fetch` for calls that need the access cookie. Sends credentials; on a 401 whose `code` is
 * `token_expired` (or `token_missing`: the browser has already dropped the expired cookie, or
 * `key_withdrawn`: the key that signed it was withdrawn) it refreshes once, single-flight across concurrent calls in this tab and across tabs, then retries
 * the call once. Any other 401, or a refresh answered with 401, dispatches
 * {@link LOGGED_OUT_EVENT} (once per failed call, so listeners should be idempotent); the 401
 * response is still returned to the caller. On `session_revoked` (the session was ended elsewhere)
 * no refresh is tried: the module asks the auth service to clear this browser's cookies, then
 * dispatches the event.
 *
 * If the refresh fails for another reason (503 `unavailable`, 429), the user is not logged out:
 * the refresh's response is returned so the caller can retry later.
 *
 * A GET, HEAD or OPTIONS answered 429 (`rate_limited`) is sent again once after its
 * `Retry-After` seconds (up to 10); other methods, and a second 429, go back to the caller.
 *
 * String URLs are resolved against the gateway's base URL. A body must be re-sendable (string,
 * FormData, Blob, URLSearchParams, or a Request, which is cloned), since the call may be sent twice.
 *
 * @param {RequestInfo | URL} input a path such as `/api/orders`, a URL or a Request
 * @param {RequestInit} [init]
 * @returns {Promise<Response>}
 */
export async function authFetch(input, init = {}) {
	const sentAt = Date.now();
	const response = await send(input, init);
	if (response.status !== 401) {
		return response;
	}
	const code = await problemCode(response);
	if (code === SESSION_REVOKED) {
		await clearCookies();
	}
	if (!REFRESHABLE.has(code)) {
		dispatchLoggedOut(code, 401);
		return response;
	}
	const refreshed = await refreshOnce(sentAt);
	if (refreshed.status === 401) {
		dispatchLoggedOut(await problemCode(refreshed) ?? 'invalid_refresh', 401);
		return response;
	}
	if (!refreshed.ok) {
		// calls that joined one refresh share its answer: each gets its own readable copy
		return refreshed.clone();
	}
	const retried = await send(input, init);
	if (retried.status === 401) {
		dispatchLoggedOut(await problemCode(retried), 401);
	}
	return retried;
}

/**
 * Opens a WebSocket through the gateway that survives access-token expiry: the browser sends the
 * access cookie with the upgrade, and when the gateway ends the socket because the token expired
 * (close 4401 `token_expired`, or `key_withdrawn`) the socket is refreshed and reopened once, transparently; the app
 * sees another `onOpen`. A socket whose upgrade fails (browsers do not reveal the status of a
 * refused upgrade; usually an access cookie that expired while the page was idle) gets one
 * refresh and one retry as well. When the session has ended (4401 `session_revoked`, or a refresh
 * answered 401) {@link LOGGED_OUT_EVENT} is dispatched and the socket stays closed. The refresh is
 * the one {@link authFetch} uses: shared by concurrent calls and across tabs.
 *
 * Relative paths are resolved against the gateway's base URL, `http` becoming `ws`. The page's
 * origin must be in the gateway's `portcullis.gateway.cors.allowed-origins`.
 *
 * @param {string | URL} path e.g. `/api/ws/echo`
 * @param {{
 *   onOpen?: (socket: PortcullisSocket) => void,
 *   onMessage?: (data: string | Blob | ArrayBuffer, event: MessageEvent) => void,
 *   onReconnecting?: (detail: {code: number, reason: string, opened: boolean}) => void,
 *   onClose?: (detail: {code: number, reason: string, wasClean: boolean, loggedOut: boolean}) => void,
 *   protocols?: string | string[],
 * }} [handlers] `onOpen` runs on every (re)connection; `onReconnecting` when a connection closed
 *   (or never opened) and the socket refreshes and reconnects; `onClose` once, when the socket is
 *   closed for good (by the app, the upstream, the network, or because the user is logged out)
 * @returns {PortcullisSocket}
 *
 * @typedef {object} PortcullisSocket
 * @property {(data: string | ArrayBufferLike | Blob | ArrayBufferView) => void} send sends on the
 *   current connection (throws while it is not open, as `WebSocket.send` does)
 * @property {(code?: number, reason?: string) => void} close closes for good: no reconnection
 * @property {number} opens how many times the socket opened (2 after one reconnection)
 * @property {number} readyState the current connection's `WebSocket.readyState`
 */
export function openSocket(path, { onOpen, onMessage, onReconnecting, onClose, protocols } = {}) {
	const url = new URL(String(path), baseUrl);
	url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
	let socket = null;
	let closedByApp = false;
	/** Whether the one refresh-and-reconnect since the last successful open was used. */
	let retried = false;
	const handle = {
		opens: 0,
		get readyState() {
			return socket ? socket.readyState : WebSocket.CLOSED;
		},
		send(data) {
			socket.send(data);
		},
		close(code = 1000, reason = '') {
			closedByApp = true;
			socket?.close(code, reason);
		},
	};
	connect();
	return handle;

	function connect() {
		const startedAt = Date.now();
		let opened = false;
		socket = new WebSocket(url, protocols);
		socket.onopen = () => {
			opened = true;
			retried = false;
			handle.opens += 1;
			onOpen?.(handle);
		};
		socket.onmessage = (event) => onMessage?.(event.data, event);
		socket.onclose = (event) => closed(event, opened, startedAt);
	}

	async function closed(event, opened, startedAt) {
		if (closedByApp) {
			return finish(event, false);
		}
		const accessEnded = event.code === ACCESS_ENDED;
		if (accessEnded && event.reason === SESSION_REVOKED) {
			await clearCookies();
			dispatchLoggedOut(SESSION_REVOKED, 401);
			return finish(event, true);
		}
		// every successful open gives the retry back: only a refused retry of an upgrade skips this
		if (((accessEnded && REFRESHABLE.has(event.reason)) || !opened) && !retried) {
			retried = true;
			onReconnecting?.({ code: event.code, reason: event.reason, opened });
			let refreshed;
			try {
				// cookies renewed in the very millisecond this connection started are the ones it
				// used (a reconnection starts right after its refresh): only later ones are newer
				refreshed = await refreshOnce(startedAt + 1);
			}
			catch {
				// offline: not logged out, the app may try later
				return finish(event, false);
			}
			if (refreshed.status === 401) {
				return loggedOut(event, await problemCode(refreshed) ?? 'invalid_refresh');
			}
			if (refreshed.ok && !closedByApp) {
				return connect();
			}
			// the auth service is unavailable (503, 429): not logged out, the app may try later
		}
		return finish(event, false);
	}

	function loggedOut(event, code) {
		dispatchLoggedOut(code, 401);
		finish(event, true);
	}

	function finish(event, isLoggedOut) {
		onClose?.({ code: event.code, reason: event.reason, wasClean: event.wasClean, loggedOut: isLoggedOut });
	}
}

/**
 * Creates an account (`POST /auth/register`). Does not log in.
 *
 * @param {string} email
 * @param {string} password 8 to 128 characters, not a common password
 * @returns {Promise<{id: string, email: string}>}
 * @throws {PortcullisError} 400 `invalid_request` or `weak_password`, 409 `email_taken`, 429 `busy`
 */
export async function register(email, password) {
	return json(await post('/auth/register', { email, password }));
}

/**
 * Logs in (`POST /auth/login`); the answer sets the access and refresh cookies.
 *
 * @param {string} email
 * @param {string} password
 * @returns {Promise<{user: {id: string, email: string}, accessExpiresAt: string, sessionExpiresAt: string}>}
 * @throws {PortcullisError} 401 `invalid_credentials`, 429 `too_many_attempts` or `busy`
 */
export async function login(email, password) {
	const body = await json(await post('/auth/login', { email, password }));
	markRefreshed(Date.now());
	return body;
}

/**
 * Ends this browser's session (`POST /auth/logout`) and clears its cookies. Every tab, this one
 * included, then receives {@link LOGGED_OUT_EVENT} with code `logged_out`.
 *
 * @returns {Promise<void>}
 */
export async function logout() {
	await json(await post('/auth/logout'));
	announceLoggedOut('logged_out');
}

/**
 * Ends every session of the user, on every device (`POST /auth/logout-all`). Every tab of this
 * browser then receives {@link LOGGED_OUT_EVENT} with code `logged_out`.
 *
 * @returns {Promise<void>}
 * @throws {PortcullisError} 401 `token_*` when not logged in
 */
export async function logoutAll() {
	await json(await authFetch('/auth/logout-all', { method: 'POST' }));
	announceLoggedOut('logged_out');
}

/**
 * The logged-in user (`GET /auth/me`).
 *
 * @returns {Promise<{id: string, email: string, roles: string[]}>}
 * @throws {PortcullisError} 401 `token_*` when not logged in
 */
export async function me() {
	return json(await authFetch('/auth/me'));
}

/**
 * The user's live sessions (`GET /auth/sessions`); `current` marks this browser's.
 *
 * @returns {Promise<Array<{id: string, createdAt: string, lastRefreshedAt: string, expiresAt: string,
 *   userAgent: string, clientIp: string, current: boolean}>>}
 * @throws {PortcullisError} 401 `token_*` when not logged in
 */
export async function sessions() {
	return json(await authFetch('/auth/sessions'));
}

/**
 * Ends one of the user's sessions (`DELETE /auth/sessions/{id}`). That browser is logged out when
 * its access token next needs refreshing (at the latest after the access-token lifetime) or on its
 * next call to the auth service. To end this browser's own session use {@link logout}.
 *
 * @param {string} id a session id from {@link sessions}
 * @returns {Promise<void>}
 * @throws {PortcullisError} 404 `session_not_found`, 401 `token_*`
 */
export async function revokeSession(id) {
	await json(await authFetch(`/auth/sessions/${encodeURIComponent(id)}`, { method: 'DELETE' }));
}

/**
 * Calls `listener({code, status})` whenever {@link LOGGED_OUT_EVENT} fires.
 *
 * @param {(detail: {code: string, status: number}) => void} listener
 * @returns {() => void} removes the listener
 */
export function onLoggedOut(listener) {
	const handler = (event) => listener(event.detail);
	globalThis.addEventListener(LOGGED_OUT_EVENT, handler);
	return () => globalThis.removeEventListener(LOGGED_OUT_EVENT, handler);
}

/** Methods a 429 `rate_limited` is retried for, once, after its Retry-After. */
const RETRIED_AFTER_429 = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Longest Retry-After (seconds) waited out; a longer wait is left to the caller. */
const MAX_RETRY_AFTER_SECONDS = 10;

async function send(input, init) {
	const response = await sendOnce(input, init);
	const method = (init.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
	const retryAfter = response.headers.get('Retry-After');
	const seconds = retryAfter === null ? NaN : Number(retryAfter);
	if (response.status !== 429 || !RETRIED_AFTER_429.has(method) || !(seconds >= 0 && seconds <= MAX_RETRY_AFTER_SECONDS)) {
		return response;
	}
	await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
	return sendOnce(input, init);
}

function sendOnce(input, init) {
	const target = input instanceof Request ? input.clone() : new URL(String(input), baseUrl);
	return fetch(target, { ...init, credentials: 'include' });
}

function post(path, body) {
	const init = { method: 'POST' };
	if (body !== undefined) {
		init.headers = { 'Content-Type': 'application/json' };
		init.body = JSON.stringify(body);
	}
	return fetch(new URL(path, baseUrl), { ...init, credentials: 'include' });
}

/** The parsed body of a successful answer (undefined for 204); a PortcullisError otherwise. */
async function json(response) {
	if (!response.ok) {
		throw new PortcullisError(response, await problem(response));
	}
	return response.status === 204 ? undefined : response.json();
}

async function problem(response) {
	try {
		const body = await response.clone().json();
		return body && typeof body === 'object' ? body : {};
	}
	catch {
		// not JSON (e.g. an upstream's own 401 page): no code to branch on
		return {};
	}
}

async function problemCode(response) {
	return (await problem(response)).code;
}

/**
 * One refresh for every call that saw its token expire. In this tab concurrent calls share one
 * request; across tabs a Web Lock serialises them and a tab that gets the lock after another tab
 * already renewed the cookies (after this call was sent) just retries with them.
 *
 * @returns {Promise<Response>} the refresh answer, or a synthetic 200 when another tab did it
 */
function refreshOnce(sentAt) {
	if (!inFlight) {
		inFlight = crossTab(sentAt).finally(() => {
			inFlight = null;
		});
	}
	return inFlight;
}

async function crossTab(sentAt) {
	if (globalThis.navigator?.locks) {
		return navigator.locks.request(LOCK_NAME, () => (renewedSince(sentAt) ? alreadyRenewed() : refresh()));
	}
	// Fallback without Web Locks: wait for a refresh another tab announced, else announce ours.
	// Two tabs announcing at once both refresh; the auth service's grace window hands both the
	// same successor, so nobody is logged out.
	if (foreignRefreshUntil > Date.now()) {
		await waitForForeignRefresh(foreignRefreshUntil - Date.now());
		if (renewedSince(sentAt)) {
			return alreadyRenewed();
		}
	}
	channel?.postMessage({ type: 'refreshing' });
	return refresh();
}

async function refresh() {
	let response;
	try {
		response = await fetch(new URL('/auth/refresh', baseUrl), { method: 'POST', credentials: 'include' });
	}
	finally {
		if (!response?.ok) {
			channel?.postMessage({ type: 'refresh-failed' });
		}
	}
	if (response.ok) {
		markRefreshed(Date.now());
	}
	return response;
}

function waitForForeignRefresh(ms) {
	return new Promise((resolve) => {
		const wake = () => {
			clearTimeout(timer);
			foreignWaiters.delete(wake);
			resolve();
		};
		const timer = setTimeout(wake, ms);
		foreignWaiters.add(wake);
	});
}

function alreadyRenewed() {
	return new Response(null, { status: 200 });
}

/**
 * Whether the cookies were renewed at or after `time` (when a call was sent). The same millisecond
 * counts: a retry with cookies at least that new cannot fail for want of a refresh.
 */
function renewedSince(time) {
	return Math.max(refreshedAt, storedRefreshedAt()) >= time;
}

function markRefreshed(at) {
	refreshedAt = Math.max(refreshedAt, at);
	try {
		localStorage.setItem(REFRESHED_AT_KEY, String(refreshedAt));
	}
	catch {
		// storage disabled: the BroadcastChannel message below still tells the other tabs
	}
	channel?.postMessage({ type: 'refreshed', at: refreshedAt });
}

function storedRefreshedAt() {
	try {
		return Number(globalThis.localStorage?.getItem(REFRESHED_AT_KEY)) || 0;
	}
	catch {
		// storage disabled: only what the BroadcastChannel told this tab is known
		return 0;
	}
}

function announceLoggedOut(code) {
	channel?.postMessage({ type: 'logged-out', code, status: 0 });
	dispatchLoggedOut(code, 0);
}

/** Ends nothing new (the session is over already): the answer clears the HttpOnly cookies. */
async function clearCookies() {
	try {
		await send('/auth/logout', { method: 'POST' });
	}
	catch {
		// offline: the cookies are useless anyway and the next login replaces them
	}
}

function dispatchLoggedOut(code, status) {
	globalThis.dispatchEvent(new CustomEvent(LOGGED_OUT_EVENT, { detail: { code: code ?? 'unauthorized', status } }));
}
