// How numbers and times look on every page: money from integer fen to ¥ with two decimals,
// times in the centre's time zone (never the browser's), durations as h:mm:ss.
import { ref } from 'vue'

export const centreTimeZone = ref('Asia/Shanghai')

export function formatFen(fen) {
  if (fen === null || fen === undefined || Number.isNaN(Number(fen))) return '—'
  const n = Math.trunc(Number(fen))
  const sign = n < 0 ? '-' : ''
  const abs = Math.abs(n)
  const yuan = Math.floor(abs / 100)
  const cents = String(abs % 100).padStart(2, '0')
  const grouped = String(yuan).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${sign}¥${grouped}.${cents}`
}

function formatter(locale, options) {
  try {
    return new Intl.DateTimeFormat(locale, { timeZone: centreTimeZone.value, hourCycle: 'h23', ...options })
  } catch {
    return new Intl.DateTimeFormat(locale, { timeZone: 'Asia/Shanghai', hourCycle: 'h23', ...options })
  }
}

function parts(value, options) {
  const d = value instanceof Date ? value : new Date(value)
  if (Number.isNaN(d.getTime())) return null
  const out = {}
  for (const p of formatter('en-GB', options).formatToParts(d)) out[p.type] = p.value
  return out
}

// 2026-11-23 14:05 in the centre's zone, the same in both languages (an operations habit).
export function formatDateTime(value) {
  if (!value) return '—'
  const p = parts(value, {
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  })
  return p ? `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}` : String(value)
}

export function formatDate(value) {
  if (!value) return '—'
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value
  const p = parts(value, { year: 'numeric', month: '2-digit', day: '2-digit' })
  return p ? `${p.year}-${p.month}-${p.day}` : String(value)
}

export function formatClock(value) {
  const p = parts(value, { hour: '2-digit', minute: '2-digit', second: '2-digit' })
  return p ? `${p.hour}:${p.minute}:${p.second}` : ''
}

export function formatDuration(totalSeconds) {
  if (totalSeconds === null || totalSeconds === undefined || Number.isNaN(Number(totalSeconds))) return '—'
  const s = Math.max(0, Math.floor(Number(totalSeconds)))
  const h = Math.floor(s / 3600)
  const m = String(Math.floor((s % 3600) / 60)).padStart(2, '0')
  const sec = String(s % 60).padStart(2, '0')
  return h > 0 ? `${h}:${m}:${sec}` : `${m}:${sec}`
}
