// The REST side of the contract (API.md): JSON calls with the bearer token, problem+json errors turned into
// sentences, and the session (access + refresh token) kept fresh.
//
// The session lives in sessionStorage: it survives a reload of the tab but is not shared between tabs,
// because two tabs refreshing one token family would look like token re-use to the server (which then
// revokes the family).

const STORAGE_KEY = 'chat.session';
/** Refresh when this share of the access token's lifetime has passed (900 s tokens: after 12 minutes). */
const REFRESH_AT = 0.8;

export class ApiError extends Error {
  constructor(status, problem, retryAfter) {
    super(describe(status, problem, retryAfter));
    this.status = status;
    this.problem = problem;
  }
}

function describe(status, problem, retryAfter) {
  if (status === 0) return 'Cannot reach the server. Check your connection and try again.';
  let text = problem?.detail || problem?.title || `The server answered with status ${status}.`;
  if (Array.isArray(problem?.errors) && problem.errors.length) {
    text += ' ' + problem.errors.map((e) => `${fieldName(e.field)}: ${e.message}`).join('; ') + '.';
  }
  if (status === 429 && retryAfter) text += ` Try again in ${retryAfter} s.`;
  return text;
}

const FIELD_NAMES = { body: 'Message', username: 'Username', password: 'Password', displayName: 'Display name',
  name: 'Name', $: 'Request' };
const fieldName = (field) => FIELD_NAMES[field] ?? field;

export class Api {
  #session = null;
  #refreshing = null;
  #refreshTimer = null;

  /** onSessionEnd(reason) is called when the session can no longer be renewed. */
  constructor({ onSessionEnd }) {
    this.onSessionEnd = onSessionEnd;
    document.addEventListener('visibilitychange', () => {
      // Timers of hidden tabs are throttled: catch up on a refresh that is due.
      if (document.visibilityState === 'visible' && this.#session && Date.now() > this.#refreshDueAt()) {
        this.refresh().catch(() => {});
      }
    });
  }

  get user() {
    return this.#session?.user ?? null;
  }

  /** Lifetime of the current access token, in seconds. */
  get expiresIn() {
    return this.#session?.expiresIn ?? 0;
  }

  /** When the current access token expires (ms since the epoch; 0 without a session): so does a ticket's socket. */
  get accessTokenExpiresAt() {
    return this.#session ? this.#session.receivedAt + this.#session.expiresIn * 1000 : 0;
  }

  async register(username, password, displayName) {
    const body = { username, password };
    if (displayName) body.displayName = displayName;
    this.#adopt(await this.#call('POST', '/api/auth/register', body, false));
  }

  async login(username, password) {
    this.#adopt(await this.#call('POST', '/api/auth/login', { username, password }, false));
  }

  /** Picks up the session of this tab after a reload; false when there is none (or it has ended). */
  async resume() {
    const stored = sessionStorage.getItem(STORAGE_KEY);
    if (!stored) return false;
    try {
      this.#session = JSON.parse(stored);
    } catch {
      sessionStorage.removeItem(STORAGE_KEY);
      return false;
    }
    try {
      await this.refresh();
      return true;
    } catch (e) {
      if (e.status === 0 && this.#session) return true; // offline for now: the access token may still do
      return false;
    }
  }

  /** One refresh at a time: the server treats two concurrent refreshes of one token as re-use. */
  refresh() {
    if (!this.#refreshing) {
      const refreshToken = this.#session?.refreshToken;
      this.#refreshing = (async () => {
        if (!refreshToken) throw new ApiError(401, { detail: 'You are not signed in.' });
        try {
          this.#adopt(await this.#call('POST', '/api/auth/refresh', { refreshToken }, false));
        } catch (e) {
          if (e.status === 401) this.#end('Your session has ended. Please log in again.');
          else this.#schedule(10); // the server is unreachable: try again shortly
          throw e;
        } finally {
          this.#refreshing = null;
        }
      })();
    }
    return this.#refreshing;
  }

  async logout() {
    const refreshToken = this.#session?.refreshToken;
    this.#clear();
    if (refreshToken) {
      await this.#call('POST', '/api/auth/logout', { refreshToken }, false).catch(() => {});
    }
  }

  /** An authenticated call; an expired access token is refreshed once and the call repeated. */
  async request(method, path, body) {
    if (!this.#session) throw new ApiError(401, { detail: 'You are not signed in.' });
    try {
      return await this.#call(method, path, body, true);
    } catch (e) {
      if (e.status !== 401 || !this.#session) throw e;
      await this.refresh();
      return this.#call(method, path, body, true);
    }
  }

  async #call(method, path, body, authenticated) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (authenticated) headers.Authorization = `Bearer ${this.#session.accessToken}`;
    let response;
    try {
      response = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch {
      throw new ApiError(0, null);
    }
    const text = await response.text();
    let json = null;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = null;
      }
    }
    if (!response.ok) throw new ApiError(response.status, json, response.headers.get('Retry-After'));
    return json;
  }

  #adopt(tokens) {
    this.#session = {
      user: tokens.user,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresIn: tokens.expiresIn,
      receivedAt: Date.now(),
    };
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(this.#session));
    this.#schedule(tokens.expiresIn * REFRESH_AT);
  }

  #refreshDueAt() {
    return this.#session.receivedAt + this.#session.expiresIn * REFRESH_AT * 1000;
  }

  #schedule(seconds) {
    clearTimeout(this.#refreshTimer);
    this.#refreshTimer = setTimeout(() => this.refresh().catch(() => {}), Math.max(1, seconds) * 1000);
  }

  #end(reason) {
    const hadSession = this.#session != null;
    this.#clear();
    if (hadSession) this.onSessionEnd?.(reason);
  }

  #clear() {
    clearTimeout(this.#refreshTimer);
    this.#session = null;
    sessionStorage.removeItem(STORAGE_KEY);
  }
}
