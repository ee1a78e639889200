// Entry point: Vue with Element Plus, vue-i18n and the router; sends signed-out users to /login.
import { createApp } from 'vue'
import 'element-plus/theme-chalk/base.css'
import App from './App.vue'
import { i18n } from './i18n.js'
import { router } from './router.js'
import { whenSignedOut } from './api/client.js'
import { clearSession, session } from './session.js'
import './styles.css'

// A session that ends while someone works (expired, signed out elsewhere) leads back to sign-in.
whenSignedOut(() => {
  if (!session.user) return
  clearSession()
  if (router.currentRoute.value.path !== '/login') {
    router.push({ path: '/login', query: { next: router.currentRoute.value.fullPath } })
  }
})

createApp(App).use(i18n).use(router).mount('#app')
