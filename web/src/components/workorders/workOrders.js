// What every work-order page shares: the types (read once from /api/v1/work-order-types), the
// actions the state machine allows in each state, labels in the user's language, the
// structured notes the pages write (arrival location as a geo: URI, return-visit outcome) and
// the error texts that need more than a code (arrears named in yuan).
import { reactive } from 'vue'
import { api, currentCsrfToken } from '../../api/client.js'
import { errorText } from '../../api/errors.js'
import { i18n } from '../../i18n.js'
import { formatFen } from '../../format.js'
import './workorders.css'

export const STATES = ['new', 'dispatched', 'accepted', 'in_progress', 'resolved', 'return_visit', 'closed',
  'returned', 'reopened', 'escalated', 'merged']
export const OPEN_STATES = STATES.filter((s) => s !== 'closed' && s !== 'merged')

// The transition table of the engine (src/workflow/states.cc) as the pages offer it; the
// server decides, this only keeps buttons away that would certainly be refused.
const ALLOWED = {
  new: ['dispatch', 'resolve', 'urge'],
  dispatched: ['accept', 'return', 'urge'],
  accepted: ['start', 'return', 'urge'],
  in_progress: ['resolve', 'urge'],
  resolved: ['visit', 'close', 'reopen'],
  return_visit: ['close', 'reopen'],
  returned: ['dispatch', 'close', 'urge'],
  reopened: ['dispatch', 'urge'],
  escalated: ['dispatch', 'accept', 'start', 'resolve', 'urge'],
  closed: ['reopen'],
  merged: [],
}

export function allowedActions(order, type) {
  let list = ALLOWED[order.state] || []
  if (type) {
    if (order.state === 'new' && !type.resolve_on_call) list = list.filter((a) => a !== 'resolve')
    if (order.state === 'resolved' && type.return_visit) list = list.filter((a) => a !== 'close')
    if (order.state === 'resolved' && !type.return_visit) list = list.filter((a) => a !== 'visit')
  }
  return list
}

const cache = reactive({ types: [], loaded: false })
let loading = null

export function loadTypes() {
  if (cache.loaded) return Promise.resolve(cache.types)
  if (!loading) {
    loading = api.get('/work-order-types').then((res) => {
      cache.types = (res.items || []).filter((t) => t.enabled !== false)
      cache.loaded = true
      return cache.types
    }).finally(() => {
      loading = null
    })
  }
  return loading
}

export function typesState() {
  return cache
}

export function findType(code) {
  return cache.types.find((t) => t.code === code) || null
}

function tr(key, fallback) {
  const { t, te } = i18n.global
  return te(key) ? t(key) : fallback
}

// Type and subtype names: the admin's (Chinese) name, or the English one the messages carry.
export function typeName(code) {
  const type = findType(code)
  return tr(`workOrders.types.${code}`, type ? type.name : code)
}

export function subtypeName(typeCode, code) {
  if (!code) return ''
  const type = findType(typeCode)
  const st = type && (type.subtypes || []).find((s) => s.code === code)
  return tr(`workOrders.subtypes.${code}`, st ? st.name : code)
}

export function stateName(state) {
  return tr(`workOrders.states.${state}`, state)
}

export function actionName(action) {
  return tr(`workOrders.actions.${action}`, action)
}

export function departmentName(code) {
  return tr(`workOrders.departments.${code}`, code)
}

export function stateTagType(order) {
  if (order.overdue && OPEN_STATES.includes(order.state)) return 'danger'
  if (order.state === 'closed') return 'info'
  if (order.state === 'resolved' || order.state === 'return_visit') return 'success'
  if (order.state === 'escalated' || order.state === 'reopened' || order.state === 'returned') return 'warning'
  return 'primary'
}

// A deadline as the user sees it: the step's deadline while one runs, else the overall one.
export function deadlineOf(order) {
  return order.step_due_at || order.due_at || null
}

// Arrival location: the field page writes a geo: URI (RFC 5870) into the note of the `start`
// transition, e.g. "geo:26.074512,119.296531;u=12"; pages read it back from the timeline.
export function geoUri(coords) {
  const lat = Number(coords.latitude).toFixed(6)
  const lon = Number(coords.longitude).toFixed(6)
  const u = coords.accuracy !== undefined && coords.accuracy !== null ? `;u=${Math.round(coords.accuracy)}` : ''
  return `geo:${lat},${lon}${u}`
}

export function parseGeo(note) {
  const m = /geo:(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)(?:;u=(\d+(?:\.\d+)?))?/.exec(note || '')
  if (!m) return null
  return { latitude: Number(m[1]), longitude: Number(m[2]), accuracy: m[3] !== undefined ? Number(m[3]) : null }
}

// The location of a timeline row: the structured one the server stores with an arrival
// ({lat, lon, accuracy_m}), else a geo: URI in the note (orders from before it was structured).
export function transitionLocation(row) {
  const l = row && row.location
  if (l && typeof l.lat === 'number' && typeof l.lon === 'number') {
    return { latitude: l.lat, longitude: l.lon, accuracy: typeof l.accuracy_m === 'number' ? Math.round(l.accuracy_m) : null }
  }
  return parseGeo(row && row.note)
}

// The browser's position as the arrival (action start) takes it.
export function locationBody(coords) {
  const out = { lat: Number(coords.latitude), lon: Number(coords.longitude) }
  if (coords.accuracy !== undefined && coords.accuracy !== null) out.accuracy_m = Number(coords.accuracy)
  return out
}

export function arrivalLocation(detail) {
  const rows = (detail && detail.transitions) || []
  for (let i = rows.length - 1; i >= 0; i--) {
    if (rows[i].action === 'start') {
      const g = transitionLocation(rows[i])
      if (g) return g
    }
  }
  return null
}

// Return-visit outcomes: each is a note "visit_outcome=<code>" (plus the agent's words) on the
// transition it causes: satisfied and unreachable close the order, unsatisfied reopens it.
export const VISIT_OUTCOMES = ['satisfied', 'unsatisfied', 'unreachable']
export function visitOutcomeOf(note) {
  const m = /visit_outcome=(satisfied|unsatisfied|unreachable)/.exec(note || '')
  return m ? m[1] : null
}

// The form's label for a field the API names in an error (account_no → 户号).
const FIELD_LABELS = {
  type: 'type', subtype: 'subtype', customer_id: 'customer', account_no: 'account', phone: 'phone', region: 'region',
  channel: 'channel', call_id: 'callId', description: 'description', note: 'notePlaceholder',
}
function fieldLabel(field) {
  if (!field) return ''
  if (field.startsWith('fields.')) {
    // A type's own field: its label as the admin wrote it.
    for (const type of cache.types) {
      const f = (type.fields || []).find((x) => `fields.${x.key}` === field)
      if (f) return f.label
    }
  }
  return FIELD_LABELS[field] ? i18n.global.t(`workOrders.${FIELD_LABELS[field]}`) : field
}

// Error text for work-order calls; 409 arrears_outstanding names the account and the amount.
export function workOrderErrorText(err) {
  const { t, te } = i18n.global
  if (err && err.code === 'arrears_outstanding') {
    const fen = /\((\d+) fen\)/.exec(err.message || '')
    const account = /account (\S+)/.exec(err.message || '')
    return t('workOrders.errors.arrears_outstanding', {
      amount: fen ? formatFen(Number(fen[1])) : '',
      account: account ? account[1] : '',
    })
  }
  if (err && (err.code === 'attachment_too_large' || err.code === 'payload_too_large')) {
    const bytes = /(\d+) bytes/.exec(err.message || '')
    return t('workOrders.errors.attachment_too_large', { limit: bytes ? formatBytes(Number(bytes[1])) : '' })
  }
  if (err && err.code && te(`workOrders.errors.${err.code}`)) {
    return t(`workOrders.errors.${err.code}`, { message: err.message || '', field: fieldLabel(err.field) })
  }
  return errorText(err)
}

export function formatBytes(n) {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`
  return `${(n / 1024 / 1024).toFixed(1)} MB`
}

// Attachment uploads take files up to work_orders.max_attachment_bytes (10 MB by default), so
// PDFs go as they are and a size error names the limit. Photos above PHOTO_TARGET_BYTES are
// scaled to a longest side of 2560 px and re-encoded as JPEG: plenty for a site photo while
// sparing the crew's mobile data.
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
export const PHOTO_TARGET_BYTES = 3 * 1024 * 1024
const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp']

function canvasBlob(canvas, quality) {
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality))
}

export async function shrinkPhoto(file) {
  if (!PHOTO_TYPES.includes(file.type) || file.size <= PHOTO_TARGET_BYTES || typeof createImageBitmap !== 'function') return file
  let bitmap
  try {
    bitmap = await createImageBitmap(file)
  } catch {
    return file // not a decodable image: let the server say what it is
  }
  let side = 2560
  for (let attempt = 0; attempt < 4; attempt++) {
    const scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height))
    const canvas = document.createElement('canvas')
    canvas.width = Math.max(1, Math.round(bitmap.width * scale))
    canvas.height = Math.max(1, Math.round(bitmap.height * scale))
    canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height)
    const blob = await canvasBlob(canvas, 0.85)
    if (blob && blob.size <= PHOTO_TARGET_BYTES) {
      const name = file.name.replace(/\.[^.]*$/, '') + '.jpg'
      return new File([blob], name, { type: 'image/jpeg' })
    }
    side = Math.round(side * 0.7)
  }
  return file
}

// Uploads one file as the body of POST /work-orders/{id}/attachments (the API takes the raw
// file with its Content-Type). Returns the attachment or throws an ApiError-like object.
export async function uploadAttachment(orderId, original) {
  const file = await shrinkPhoto(original)
  if (file.size > MAX_ATTACHMENT_BYTES) {
    // Refused before it costs the crew's mobile data; the server would answer 413 the same.
    const err = new Error(`attachments are at most ${MAX_ATTACHMENT_BYTES} bytes`)
    err.status = 413
    err.code = 'attachment_too_large'
    throw err
  }
  const res = await fetch(`/api/v1/work-orders/${orderId}/attachments?name=${encodeURIComponent(file.name)}`, {
    method: 'POST',
    headers: { 'Content-Type': file.type || 'application/octet-stream', 'X-CSRF-Token': currentCsrfToken(), Accept: 'application/json' },
    body: file,
    credentials: 'same-origin',
  })
  const data = await res.json().catch(() => null)
  if (!res.ok) {
    const e = (data && data.error) || {}
    const err = new Error(e.message || `http_${res.status}`)
    err.status = res.status
    err.code = e.code || `http_${res.status}`
    err.field = e.field
    throw err
  }
  return data
}

// Region names by code (/api/v1/regions answers the whole tree at once), read once per page load.
const regions = reactive({ names: {}, loaded: false })
let regionsLoading = null
export function loadRegions() {
  if (regions.loaded) return Promise.resolve(regions.names)
  if (!regionsLoading) {
    regionsLoading = api.get('/regions').then((res) => {
      const names = {}
      for (const r of res.items || []) names[r.code] = r.name
      regions.names = names
      regions.loaded = true
      return names
    }).catch(() => regions.names).finally(() => {
      regionsLoading = null
    })
  }
  return regionsLoading
}

export function regionName(code) {
  if (!code) return '—'
  return regions.names[code] ? `${regions.names[code]}（${code}）` : code
}
