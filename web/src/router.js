// Page routes. Each page says which role may see it; signed-out visitors go to /login and
// come back where they wanted to go.
import { createRouter, createWebHistory } from 'vue-router'
import { session, loadSession, canSee, homePath } from './session.js'

const routes = [
  { path: '/login', component: () => import('./components/auth/LoginPage.vue'), meta: { public: true } },
  { path: '/', redirect: () => homePath() },
  { path: '/agent', component: () => import('./components/agent/AgentDesktop.vue'), meta: { page: 'agent' } },
  { path: '/supervisor', component: () => import('./components/supervisor/WallboardPage.vue'), meta: { page: 'supervisor' } },
  {
    path: '/supervisor/wall',
    component: () => import('./components/supervisor/WallboardPage.vue'),
    props: { wall: true },
    meta: { page: 'supervisor', bare: true },
  },
  { path: '/admin', redirect: '/admin/users' },
  { path: '/admin/users', component: () => import('./components/admin/UsersPage.vue'), meta: { page: 'admin' } },
  { path: '/admin/regions', component: () => import('./components/admin/RegionsPage.vue'), meta: { page: 'admin' } },
  { path: '/admin/seats', component: () => import('./components/admin/SeatsPage.vue'), meta: { page: 'admin' } },
  { path: '/admin/work-order-types', component: () => import('./components/admin/WorkOrderTypesPage.vue'), meta: { page: 'admin' } },
  { path: '/admin/sms', component: () => import('./components/admin/SmsOutboxPage.vue'), meta: { page: 'sms' } },
  { path: '/workorders', component: () => import('./components/workorders/WorkOrderInbox.vue'), meta: { page: 'workorders' } },
  { path: '/workorders/return-visits', component: () => import('./components/workorders/ReturnVisitPage.vue'), meta: { page: 'returnVisits' } },
  { path: '/workorders/:id(\\d+)', component: () => import('./components/workorders/WorkOrderDetail.vue'), props: true, meta: { page: 'workorders' } },
  { path: '/field', component: () => import('./components/workorders/FieldPage.vue'), meta: { page: 'field', bare: true } },
  { path: '/quality', component: () => import('./components/quality/QualityPage.vue'), meta: { page: 'quality' } },
  { path: '/reports', component: () => import('./components/reports/ReportsPage.vue'), meta: { page: 'reports' } },
  { path: '/welcome', component: () => import('./components/shell/WelcomePage.vue') },
  { path: '/:rest(.*)*', component: () => import('./components/shell/NotFoundPage.vue') },
]

export const router = createRouter({ history: createWebHistory(), routes })

router.beforeEach(async (to) => {
  if (!session.loaded) await loadSession()
  if (to.meta.public) {
    if (to.path === '/login' && session.user) return homePath()
    return true
  }
  if (!session.user) return { path: '/login', query: to.fullPath !== '/' ? { next: to.fullPath } : {} }
  if (to.meta.page && !canSee(to.meta.page)) return homePath()
  return true
})
