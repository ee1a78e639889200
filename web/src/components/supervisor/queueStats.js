// Reads queue figures from the server's queue listing into one shape for the tiles, and decides
// which figures are past their alarm threshold. A figure the server does not send stays null
// and is shown as "—", never invented.
import { reactive } from 'vue'

const THRESHOLDS_KEY = 'switchyard.wallboard.thresholds'
const DEFAULT_THRESHOLDS = {
  waiting: 10, // callers waiting now
  longestWaitS: 60, // seconds the oldest caller has waited
  serviceLevel: 0.8, // share answered within the target time
}

function storedThresholds() {
  try {
    const saved = JSON.parse(localStorage.getItem(THRESHOLDS_KEY) || '{}')
    const out = { ...DEFAULT_THRESHOLDS }
    for (const k of Object.keys(out)) if (typeof saved[k] === 'number' && Number.isFinite(saved[k])) out[k] = saved[k]
    return out
  } catch {
    return { ...DEFAULT_THRESHOLDS }
  }
}

// Defaults for a server without per-queue thresholds (kept in this browser).
export const THRESHOLDS = reactive(storedThresholds())

export function saveThresholds(next) {
  Object.assign(THRESHOLDS, next)
  try {
    localStorage.setItem(THRESHOLDS_KEY, JSON.stringify({ ...THRESHOLDS }))
  } catch {
    // private mode: the thresholds hold for this page only
  }
}

// The thresholds the server keeps per queue (by queue name), the same on every wallboard;
// a queue the server has none for uses THRESHOLDS.
export const QUEUE_THRESHOLDS = reactive({})

// From GET /queue-thresholds or PUT /queues/{id}/thresholds.
export function setQueueThresholds(items) {
  for (const t of items || []) {
    if (!t || !t.queue) continue
    QUEUE_THRESHOLDS[t.queue] = {
      queueId: t.queue_id,
      waiting: t.waiting,
      longestWaitS: t.longest_wait_s,
      serviceLevel: t.service_level_pct / 100,
    }
  }
}

export function thresholdsOf(tile) {
  return (tile && QUEUE_THRESHOLDS[tile.key]) || THRESHOLDS
}

function num(...values) {
  for (const v of values) if (typeof v === 'number' && Number.isFinite(v)) return v
  return null
}

function ratio(v) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return null
  return v > 1 ? v / 100 : v
}

export function normalizeQueue(q) {
  const s = q.stats || q.today || q
  const agents = q.agents || s.agents || {}
  return {
    id: q.id ?? q.name,
    key: q.name ?? String(q.id), // the queue's name: what queue.stats events carry
    name: q.display_name || q.title || q.name || String(q.id),
    waiting: num(s.waiting, s.waiting_now, s.calls_waiting),
    longestWaitS: num(s.longest_wait_s, s.oldest_wait_s, s.longest_wait_ms != null ? s.longest_wait_ms / 1000 : null),
    serviceLevel: ratio(num(s.service_level, s.service_level_today)),
    serviceLevel15m: ratio(num(s.service_level_15m, s.service_level_last_15m)),
    answered: num(s.answered, s.answered_today),
    abandoned: num(s.abandoned, s.abandoned_today),
    agents: {
      ready: num(agents.ready),
      on_call: num(agents.on_call, agents.busy),
      wrap_up: num(agents.wrap_up),
      break: num(agents.break),
    },
  }
}

export function alarms(tile) {
  const limits = thresholdsOf(tile)
  const out = []
  if (tile.waiting !== null && tile.waiting > limits.waiting) out.push('waiting')
  if (tile.longestWaitS !== null && tile.longestWaitS > limits.longestWaitS) out.push('longestWait')
  if (tile.serviceLevel !== null && tile.serviceLevel < limits.serviceLevel) out.push('serviceLevel')
  return out
}
