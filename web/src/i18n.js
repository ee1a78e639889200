// Interface language: Simplified Chinese by default, English available; the choice is kept in
// the browser (localStorage) so it survives sign-out and reloads.
import { createI18n } from 'vue-i18n'
import { ref } from 'vue'
import zhCN from './locales/zh-CN.json'
import enUS from './locales/en-US.json'

export const LANGUAGES = [
  { code: 'zh-CN', label: '简体中文' },
  { code: 'en-US', label: 'English' },
]
const STORAGE_KEY = 'switchyard.language'

function initialLanguage() {
  try {
    const saved = localStorage.getItem(STORAGE_KEY)
    if (LANGUAGES.some((l) => l.code === saved)) return saved
  } catch {
    // storage unavailable (private mode): fall back to the default
  }
  return 'zh-CN'
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLanguage(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, 'en-US': enUS },
})

export const language = ref(i18n.global.locale.value)

export function setLanguage(code) {
  if (!LANGUAGES.some((l) => l.code === code)) return
  i18n.global.locale.value = code
  language.value = code
  document.documentElement.lang = code
  try {
    localStorage.setItem(STORAGE_KEY, code)
  } catch {
    // not persisted; the switch still applies to this page
  }
}

document.documentElement.lang = language.value
