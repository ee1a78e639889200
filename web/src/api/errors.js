// Turns an API error into a message in the user's language: known codes have their own text,
// anything else shows the server's message with the code so support can trace it.
import { ElMessage } from 'element-plus'
import 'element-plus/es/components/message/style/css'
import { i18n } from '../i18n.js'

export function errorText(err) {
  const { t, te } = i18n.global
  if (!err) return t('errors.generic', { code: 'unknown', message: '' })
  const code = err.code || 'unknown'
  if (te(`errors.${code}`)) return t(`errors.${code}`)
  if (err.status === 403) return t('errors.forbidden')
  if (err.status >= 500) return t('errors.server', { code })
  return t('errors.generic', { code, message: err.message || '' })
}

export function showError(err) {
  if (err && err.name === 'AbortError') return
  ElMessage({ type: 'error', message: errorText(err), showClose: true, duration: 6000 })
}
