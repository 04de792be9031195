// The real-time side of the contract: GET /ws?ticket=<ws-ticket> (browsers cannot set an Authorization
// header on a WebSocket), server events in, {"type":"ping"} out. A dropped connection is reopened with a
// fresh ticket after a growing pause; the app fills the gap over REST (?after=) once `ready` arrives.

/** The browser does not notice a silently dead connection: an unanswered ping closes it. */
const PING_EVERY_MS = 25_000;
const PONG_WITHIN_MS = 10_000;
const MAX_BACKOFF_MS = 30_000;
const TOKEN_EXPIRED = 4001;

export class Live {
  #ws = null;
  #stopped = true;
  #attempt = 0;
  #retryTimer = null;
  #pingTimer = null;
  #pongTimer = null;

  /**
   * onReady(readyEvent) after every (re)connection, onEvent(event) for the other server events,
   * onStatus({ state: 'connecting' | 'online' | 'offline', retryInMs }) for the connection indicator.
   */
  constructor(api, { onReady, onEvent, onStatus }) {
    this.api = api;
    this.onReady = onReady;
    this.onEvent = onEvent;
    this.onStatus = onStatus;
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
    this.#stopHeartbeat();
    const ws = this.#ws;
    this.#ws = null;
    ws?.close(1000, 'bye');
  }

  reconnectNow() {
    if (this.#stopped || this.#ws) return;
    clearTimeout(this.#retryTimer);
    this.#attempt = 0;
    this.#connect();
  }

  async #connect() {
    this.onStatus({ state: 'connecting' });
    let ticket;
    try {
      ticket = (await this.api.request('POST', '/api/auth/ws-ticket')).ticket;
    } catch (e) {
      if (e.status === 401) return; // the session has ended; the app shows the login form
      this.#retry();
      return;
    }
    if (this.#stopped) return;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}/ws?ticket=${encodeURIComponent(ticket)}`);
    this.#ws = ws;
    ws.addEventListener('message', (m) => this.#receive(ws, m.data));
    ws.addEventListener('close', (e) => {
      if (this.#ws !== ws) return;
      this.#ws = null;
      this.#stopHeartbeat();
      // 4001: the server ends a connection when the credentials it was opened with expire; the session has
      // been refreshed meanwhile, so a new ticket is one request away.
      if (!this.#stopped) this.#retry(e.code === TOKEN_EXPIRED && this.#attempt === 0 ? 0 : undefined);
    });
  }

  #receive(ws, data) {
    if (this.#ws !== ws) return;
    let event;
    try {
      event = JSON.parse(data);
    } catch {
      return;
    }
    if (event.type === 'pong') {
      clearTimeout(this.#pongTimer);
    } else if (event.type === 'ready') {
      this.#attempt = 0;
      this.onStatus({ state: 'online' });
      this.#startHeartbeat(ws);
      this.onReady(event);
    } else if (event.type !== 'error') {
      this.onEvent(event);
    }
  }

  #retry(delayMs) {
    const delay = delayMs ?? Math.min(MAX_BACKOFF_MS, 1000 * 2 ** this.#attempt) * (0.75 + Math.random() * 0.5);
    this.#attempt += 1;
    this.onStatus({ state: 'offline', retryInMs: delay });
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => this.#connect(), delay);
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
    this.#ws = null;
    this.#stopHeartbeat();
    ws.close(4000, 'no pong');
    if (!this.#stopped) this.#retry();
  }

  #stopHeartbeat() {
    clearInterval(this.#pingTimer);
    clearTimeout(this.#pongTimer);
  }
}
