// The real-time side of the contract: GET /ws?ticket=<ws-ticket> (browsers cannot set an Authorization
// header on a WebSocket), server events in, {"type":"ping"} out. A dropped connection is reopened with a
// fresh ticket after a growing pause; the app fills the gap over REST (?after=) once `ready` arrives.
//
// The server may end a connection when the credentials it was opened with expire (4001). Before that, the
// client opens a successor and closes the old connection only once the successor is ready, so the user never
// looks offline to others. Events that arrive twice meanwhile are harmless: the app applies them by seq.

/** The browser does not notice a silently dead connection: an unanswered ping closes it. */
const PING_EVERY_MS = 25_000;
const PONG_WITHIN_MS = 10_000;
const MAX_BACKOFF_MS = 30_000;
const TOKEN_EXPIRED = 4001;
/**
 * A successor is opened when this share of the connection's remaining lifetime (at its `ready`) has passed. By
 * then the session has refreshed its access token (api.js: at 80 % of its lifetime), so the successor's ticket is
 * minted by a token that outlives the old connection's.
 */
const RENEW_AT = 0.9;
const RENEW_RETRY_MS = 30_000;
/** The replaced connection is still heard this long, for events that were on their way on it. */
const RETIRE_AFTER_MS = 2_000;

export class Live {
  #ws = null;
  #successor = null;
  #retiring = null;
  #stopped = true;
  #connecting = false;
  #attempt = 0;
  #retryTimer = null;
  #renewTimer = null;
  #pingTimer = null;
  #pongTimer = null;
  /** Per socket: when the access token that minted its ticket expires, and the server closes it (4001). */
  #expiresAt = new WeakMap();

  /**
   * onReady(readyEvent) after every (re)connection, onEvent(event) for the other server events,
   * onStatus({ state: 'connecting' | 'online' | 'offline', retryInMs }) for the connection indicator;
   * credentialsExpireAt() tells when the current access token expires: a ticket minted with it opens a
   * connection that the server closes then.
   */
  constructor(api, { onReady, onEvent, onStatus, credentialsExpireAt }) {
    this.api = api;
    this.onReady = onReady;
    this.onEvent = onEvent;
    this.onStatus = onStatus;
    this.credentialsExpireAt = credentialsExpireAt;
    window.addEventListener('online', () => this.reconnectNow());
  }

  start() {
    this.#stopped = false;
    this.#attempt = 0;
    this.#connect();
  }

  stop() {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#renewTimer);
    this.#stopHeartbeat();
    for (const ws of [this.#ws, this.#successor, this.#retiring]) ws?.close(1000, 'bye');
    this.#ws = null;
    this.#successor = null;
    this.#retiring = null;
  }

  reconnectNow() {
    if (this.#stopped || this.#ws) return;
    clearTimeout(this.#retryTimer);
    this.#attempt = 0;
    this.#connect();
  }

  /** A ticket URL, and when the connection it opens will be closed (the expiry of the token that minted it). */
  async #ticketUrl() {
    const { ticket } = await this.api.request('POST', '/api/auth/ws-ticket');
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    return {
      url: `${scheme}://${location.host}/ws?ticket=${encodeURIComponent(ticket)}`,
      expiresAt: this.credentialsExpireAt?.() ?? 0,
    };
  }

  async #connect() {
    if (this.#connecting) return;
    this.#connecting = true;
    this.onStatus({ state: 'connecting' });
    let target;
    try {
      target = await this.#ticketUrl();
    } catch (e) {
      if (e.status !== 401) this.#retry(); // 401: the session has ended; the app shows the login form
      return;
    } finally {
      this.#connecting = false;
    }
    if (this.#stopped || this.#ws) return;
    this.#ws = this.#open(target);
  }

  #open({ url, expiresAt }) {
    const ws = new WebSocket(url);
    this.#expiresAt.set(ws, expiresAt);
    ws.addEventListener('message', (m) => this.#receive(ws, m.data));
    ws.addEventListener('close', (e) => this.#closed(ws, e.code));
    return ws;
  }

  #receive(ws, data) {
    if (ws !== this.#ws && ws !== this.#successor && ws !== this.#retiring) return;
    let event;
    try {
      event = JSON.parse(data);
    } catch {
      return;
    }
    if (event.type === 'pong') {
      if (ws === this.#ws) clearTimeout(this.#pongTimer);
    } else if (event.type === 'ready') {
      if (ws === this.#successor) this.#takeOver(ws);
      else if (ws !== this.#ws) return;
      this.#attempt = 0;
      this.onStatus({ state: 'online' });
      this.#startHeartbeat(ws);
      this.#scheduleRenewal();
      this.onReady(event);
    } else if (event.type !== 'error' && ws !== this.#successor) {
      this.onEvent(event);
    }
  }

  #closed(ws, code) {
    if (ws === this.#retiring) {
      this.#retiring = null;
    } else if (ws === this.#successor) {
      this.#successor = null;
      this.#scheduleRenewal(RENEW_RETRY_MS);
    } else if (ws === this.#ws) {
      this.#lose();
      // 4001: the server ended the connection as its credentials expired (no successor made it in time);
      // the session has been refreshed meanwhile, so a new ticket is one request away.
      if (!this.#stopped) this.#retry(code === TOKEN_EXPIRED && this.#attempt === 0 ? 0 : undefined);
    }
  }

  #retry(delayMs) {
    const delay = delayMs ?? Math.min(MAX_BACKOFF_MS, 1000 * 2 ** this.#attempt) * (0.75 + Math.random() * 0.5);
    this.#attempt += 1;
    this.onStatus({ state: 'offline', retryInMs: delay });
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => this.#connect(), delay);
  }

  #scheduleRenewal(delayMs) {
    clearTimeout(this.#renewTimer);
    const expiresAt = this.#ws ? this.#expiresAt.get(this.#ws) : 0;
    if (!expiresAt) return;
    this.#renewTimer = setTimeout(() => this.#renew(), delayMs ?? Math.max(0, expiresAt - Date.now()) * RENEW_AT);
  }

  async #renew() {
    if (this.#stopped || !this.#ws || this.#successor) return;
    let target;
    try {
      target = await this.#ticketUrl();
    } catch {
      this.#scheduleRenewal(RENEW_RETRY_MS);
      return;
    }
    if (this.#stopped || !this.#ws) return;
    this.#successor = this.#open(target);
  }

  /** The successor is ready: it becomes the connection, the old one is closed a little later. */
  #takeOver(ws) {
    const old = this.#ws;
    this.#successor = null;
    this.#ws = ws;
    if (old) {
      this.#retiring = old;
      setTimeout(() => old.close(1000, 'replaced'), RETIRE_AFTER_MS);
    }
  }

  #startHeartbeat(ws) {
    this.#stopHeartbeat();
    this.#pingTimer = setInterval(() => {
      if (ws.readyState !== WebSocket.OPEN) return;
      ws.send('{"type":"ping"}');
      clearTimeout(this.#pongTimer);
      this.#pongTimer = setTimeout(() => this.#drop(ws), PONG_WITHIN_MS);
    }, PING_EVERY_MS);
  }

  /** Gives up on a connection without waiting for its closing handshake, and opens another. */
  #drop(ws) {
    if (this.#ws !== ws) return;
    this.#lose();
    ws.close(4000, 'no pong');
    if (!this.#stopped) this.#retry();
  }

  /** The connection is gone: so is its heartbeat, its renewal and a successor still on its way. */
  #lose() {
    this.#ws = null;
    this.#stopHeartbeat();
    clearTimeout(this.#renewTimer);
    const successor = this.#successor;
    this.#successor = null;
    successor?.close(1000, 'superseded');
  }

  #stopHeartbeat() {
    clearInterval(this.#pingTimer);
    clearTimeout(this.#pongTimer);
  }
}
