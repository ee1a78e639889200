// The one way the pages talk to the server: fetch on the same origin with the session cookie,
// the CSRF token on state-changing calls, and the design's error shape turned into ApiError.
let csrfToken = ''

export function setCsrfToken(token) {
  csrfToken = token || ''
}

// For the few calls that send a raw body (file uploads) instead of JSON.
export function currentCsrfToken() {
  return csrfToken
}

export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message || code)
    this.status = status
    this.code = code
    this.field = field
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

export async function request(method, path, { query, body, signal } = {}) {
  let url = path.startsWith('/api/') ? path : `/api/v1${path}`
  if (query) {
    const params = new URLSearchParams()
    for (const [k, v] of Object.entries(query)) {
      if (v !== undefined && v !== null && v !== '') params.set(k, String(v))
    }
    const text = params.toString()
    if (text) url += `?${text}`
  }
  const headers = { Accept: 'application/json' }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (UNSAFE.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken
  let res
  try {
    res = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      signal,
    })
  } catch (e) {
    if (e && e.name === 'AbortError') throw e
    throw new ApiError(0, 'network_error', String(e && e.message ? e.message : e))
  }
  if (res.status === 204) return null
  const type = res.headers.get('Content-Type') || ''
  const data = type.includes('json') ? await res.json().catch(() => null) : null
  if (!res.ok) {
    const err = data && data.error ? data.error : {}
    const apiError = new ApiError(res.status, err.code || `http_${res.status}`, err.message, err.field)
    if (res.status === 401 && onUnauthenticated && !path.includes('/auth/login')) onUnauthenticated()
    throw apiError
  }
  return data
}

let onUnauthenticated = null
export function whenSignedOut(fn) {
  onUnauthenticated = fn
}

export const api = {
  get: (path, query, opts = {}) => request('GET', path, { ...opts, query }),
  post: (path, body, opts = {}) => request('POST', path, { ...opts, body }),
  patch: (path, body, opts = {}) => request('PATCH', path, { ...opts, body }),
  put: (path, body, opts = {}) => request('PUT', path, { ...opts, body }),
  del: (path, opts = {}) => request('DELETE', path, opts),
}

// Which endpoints this server offers, read once from its OpenAPI description, so a page can
// offer a feature exactly when the server has it.
let docPromise = null
function openapi() {
  if (!docPromise) {
    docPromise = request('GET', '/api/v1/openapi.json').catch(() => {
      docPromise = null
      return { paths: {} }
    })
  }
  return docPromise
}

export async function serverHas(path, method = 'get') {
  const doc = await openapi()
  const item = doc && doc.paths ? doc.paths[path] : null
  return !!(item && item[method.toLowerCase()])
}
