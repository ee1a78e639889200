// The live event stream (WebSocket /api/v1/events, signed in by the session cookie): one
// connection per page, reconnecting with resume (?since=SEQ&stream=ID) so no event is lost
// across a short disconnect. Pages subscribe by event type.
import { serverHas } from './client.js'

const handlers = new Map() // type -> Set<fn(data, event)>
let socket = null
let lastSeq = null
let stream = null
let retryMs = 1000
let wanted = false
let timer = null
const CLOSE_SIGNED_OUT = 4001
const CLOSE_ACCOUNT_CHANGED = 4003 // role or region changed: reconnect with the new rights

function url() {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:'
  const params = new URLSearchParams()
  if (lastSeq !== null) params.set('since', String(lastSeq))
  if (stream) params.set('stream', stream)
  const q = params.toString()
  return `${proto}//${location.host}/api/v1/events${q ? `?${q}` : ''}`
}

function dispatch(event) {
  for (const type of [event.type, '*']) {
    const set = handlers.get(type)
    if (set) for (const fn of set) fn(event.data || {}, event)
  }
}

function open() {
  if (!wanted || socket) return
  socket = new WebSocket(url())
  socket.onopen = () => (retryMs = 1000)
  socket.onmessage = (msg) => {
    let event
    try {
      event = JSON.parse(msg.data)
    } catch {
      return
    }
    if (typeof event.seq === 'number') lastSeq = event.seq
    // hello starts (or resumes) the stream; resync_required says the gap was too long to replay,
    // so pages reload their state through the REST API and the stream carries on from here.
    if ((event.type === 'hello' || event.type === 'resync_required') && event.data && event.data.stream) {
      stream = event.data.stream
    }
    dispatch(event)
  }
  socket.onclose = (e) => {
    socket = null
    if (!wanted || e.code === CLOSE_SIGNED_OUT) return
    if (e.code === CLOSE_ACCOUNT_CHANGED) dispatch({ type: 'account_changed', data: {} })
    clearTimeout(timer)
    timer = setTimeout(open, retryMs)
    retryMs = Math.min(retryMs * 2, 15000)
  }
}

// Starts the stream if the server offers it; returns whether it does.
export async function startEvents() {
  if (!(await serverHas('/api/v1/events', 'get'))) return false
  wanted = true
  open()
  return true
}

export function stopEvents() {
  wanted = false
  clearTimeout(timer)
  if (socket) socket.close(1000)
  socket = null
  lastSeq = null
  stream = null
}

export function onEvent(type, fn) {
  if (!handlers.has(type)) handlers.set(type, new Set())
  handlers.get(type).add(fn)
  return () => handlers.get(type).delete(fn)
}
