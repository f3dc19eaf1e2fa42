// The demo page's behaviour: every call goes through portcullis-client.js.
import {
	PortcullisError, authFetch, login, logout, logoutAll, me, onLoggedOut, openSocket, register, revokeSession, sessions,
} from '/portcullis-client.js';

const $ = (id) => document.getElementById(id);
let upstreamCalls = 0;
/** The live echo socket while connected. */
let echo = null;

onLoggedOut(({ code }) => {
	log(`logged out (${code})`);
	showSignedOut(code === 'logged_out' ? 'Logged out' : `Not logged in (${code})`);
});

$('login-form').addEventListener('submit', (event) => {
	event.preventDefault();
	run(async () => {
		const { user } = await login($('email').value, $('password').value);
		log(`logged in as ${user.email}`);
		showSignedIn(user.email);
	});
});

$('register').addEventListener('click', () => run(async () => {
	if (!$('login-form').reportValidity()) {
		return;
	}
	const account = await register($('email').value, $('password').value);
	log(`registered ${account.email}`);
	message(`Registered ${account.email}. Now log in.`);
}));

$('call-upstream').addEventListener('click', () => run(async () => {
	const response = await authFetch('/api/hello');
	upstreamCalls += 1;
	const result = $('upstream-result');
	result.dataset.status = String(response.status);
	result.dataset.call = String(upstreamCalls);
	result.textContent = `HTTP ${response.status}\n${JSON.stringify(await response.json(), null, 2)}`;
	log(`GET /api/hello → ${response.status}`);
}));

$('echo-connect').addEventListener('click', () => {
	if (echo) {
		return;
	}
	echoState('connecting');
	echo = openSocket('/api/ws/echo', {
		onOpen: (socket) => {
			$('echo-log').dataset.opens = String(socket.opens);
			echoState('open');
			echoLog(socket.opens === 1 ? 'connected' : `reconnected (#${socket.opens})`);
			log(socket.opens === 1 ? 'live echo connected' : 'live echo reconnected after its token expired');
		},
		onMessage: (data) => {
			$('echo-log').dataset.last = String(data);
			echoLog(`← ${data}`);
		},
		onReconnecting: ({ code, reason, opened }) => {
			$('echo-log').dataset.lastClose = opened ? `${code} ${reason}` : 'upgrade refused';
			echoState('connecting');
			echoLog(opened ? `closed ${code} ${reason}: refreshing, reconnecting` : 'upgrade refused: refreshing, retrying');
		},
		onClose: ({ code, reason, loggedOut }) => {
			echo = null;
			echoState('closed');
			echoLog(`closed ${code}${reason ? ` ${reason}` : ''}${loggedOut ? ' (logged out)' : ''}`);
		},
	});
});

$('echo-send').addEventListener('click', () => {
	const text = $('echo-text').value;
	if (echo?.readyState !== WebSocket.OPEN) {
		echoLog('not connected');
		return;
	}
	echo.send(text);
	echoLog(`→ ${text}`);
});

$('echo-disconnect').addEventListener('click', () => echo?.close());

$('load-sessions').addEventListener('click', () => run(loadSessions));
$('logout').addEventListener('click', () => run(logout));
$('logout-all').addEventListener('click', () => run(logoutAll));

run(async () => {
	try {
		showSignedIn((await me()).email);
	}
	catch (error) {
		if (!(error instanceof PortcullisError && error.status === 401)) {
			throw error;
		}
		// the logged-out event has already shown the form
	}
});

async function loadSessions() {
	const list = await sessions();
	const rows = list.map((session) => {
		const row = document.createElement('tr');
		row.dataset.sessionId = session.id;
		row.className = session.current ? 'current' : '';
		for (const text of [
			session.current ? `${session.id.slice(0, 8)}… (this browser)` : `${session.id.slice(0, 8)}…`,
			time(session.createdAt), time(session.lastRefreshedAt), `${session.clientIp} ${session.userAgent ?? ''}`,
		]) {
			row.insertCell().textContent = text;
		}
		const revoke = document.createElement('button');
		revoke.type = 'button';
		revoke.textContent = 'Revoke';
		revoke.className = 'revoke';
		revoke.addEventListener('click', () => run(async () => {
			await revokeSession(session.id);
			log(`revoked session ${session.id.slice(0, 8)}…`);
			// this browser's own session: the cookies are useless now, clear them
			await (session.current ? logout() : loadSessions());
		}));
		row.insertCell().append(revoke);
		return row;
	});
	$('sessions').replaceChildren(...rows);
	$('sessions').dataset.count = String(list.length);
}

function showSignedIn(email) {
	$('status').textContent = `Logged in as ${email}`;
	$('status').dataset.state = 'signed-in';
	$('signed-out').hidden = true;
	$('signed-in').hidden = false;
	message('');
	return loadSessions();
}

function showSignedOut(text) {
	$('status').textContent = text;
	$('status').dataset.state = 'signed-out';
	$('signed-in').hidden = true;
	$('signed-out').hidden = false;
	$('sessions').replaceChildren();
	$('upstream-result').textContent = '';
	echo?.close();
}

function echoState(state) {
	$('echo-log').dataset.state = state;
	$('echo-connect').disabled = state !== 'closed';
	$('echo-disconnect').disabled = state === 'closed';
	$('echo-send').disabled = state !== 'open';
}

function echoLog(text) {
	const log = $('echo-log');
	log.textContent = `${log.textContent}${new Date().toLocaleTimeString()} ${text}\n`.split('\n').slice(-12).join('\n');
}

/** Runs a UI action; failures other than "logged out" are shown, never swallowed. */
async function run(action) {
	try {
		await action();
	}
	catch (error) {
		if (error instanceof PortcullisError && error.status === 401 && error.code !== 'invalid_credentials') {
			return; // the logged-out event has already updated the page
		}
		message(error instanceof PortcullisError ? `${error.code ?? error.status}: ${error.message}` : String(error), true);
		log(`error: ${error.message}`);
	}
}

function message(text, isError = false) {
	$('form-message').textContent = text;
	$('form-message').className = isError ? 'error' : '';
}

function log(text) {
	const item = document.createElement('li');
	item.textContent = `${new Date().toLocaleTimeString()} ${text}`;
	$('log').prepend(item);
}

function time(iso) {
	return iso ? new Date(iso).toLocaleString() : '—';
}
