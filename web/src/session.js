// Who is signed in (user, role, permissions) and the centre they work for; the router and the
// navigation read it to show each role its own pages.
import { reactive } from 'vue'
import { api, setCsrfToken } from './api/client.js'
import { centreTimeZone } from './format.js'
import { onEvent, startEvents, stopEvents } from './api/events.js'

export const session = reactive({
  loaded: false,
  user: null,
  permissions: [],
  centre: { name: '', time_zone: 'Asia/Shanghai' },
})

function apply(me) {
  session.user = me.user
  session.permissions = me.permissions || []
  if (me.centre) session.centre = me.centre
  centreTimeZone.value = (me.centre && me.centre.time_zone) || 'Asia/Shanghai'
  setCsrfToken(me.csrf_token)
}

export async function loadSession() {
  try {
    apply(await api.get('/auth/me'))
    startEvents()
  } catch {
    clearSession()
  }
  session.loaded = true
  return session.user
}

export async function signIn(username, password) {
  await api.post('/auth/login', { username, password })
  // /auth/me also tells the permissions and the centre's time zone.
  return loadSession()
}

export async function signOut() {
  try {
    await api.post('/auth/logout')
  } finally {
    clearSession()
  }
}

export function clearSession() {
  stopEvents()
  session.user = null
  session.permissions = []
  setCsrfToken('')
}

// Pages by role: the agent desktop for those who take calls, the wallboard for those who
// watch queues, administration for admins.
const PAGE_ROLES = {
  agent: ['agent', 'supervisor', 'admin'],
  supervisor: ['supervisor', 'manager', 'admin'],
  admin: ['admin'],
  workorders: ['agent', 'supervisor', 'backoffice', 'field', 'manager', 'admin'],
  returnVisits: ['agent', 'supervisor', 'admin'],
  field: ['field', 'backoffice', 'admin'],
  quality: ['supervisor', 'manager', 'admin'],
  reports: ['supervisor', 'manager', 'admin'],
  sms: ['supervisor', 'admin'],
}

export function canSee(page) {
  const role = session.user && session.user.role
  return !!role && (PAGE_ROLES[page] || []).includes(role)
}

export function can(permission) {
  return session.permissions.includes(permission)
}

export function homePath() {
  const role = session.user && session.user.role
  if (role === 'supervisor' || role === 'manager') return '/supervisor'
  if (role === 'admin') return '/admin/users'
  if (role === 'backoffice') return '/workorders'
  if (role === 'field') return '/field'
  if (canSee('agent')) return '/agent'
  return '/welcome'
}

// A change to this user's account (name, role, region, extension, disabled) made elsewhere
// takes effect on the open page: the session is read again.
function refreshIfMine(data) {
  const changed = data && data.user
  if (!session.user || (changed && changed.id !== session.user.id)) return
  loadSession()
}
onEvent('user.changed', refreshIfMine)
onEvent('account_changed', refreshIfMine)
