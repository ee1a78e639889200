// The create dialog both admin pages use: open with a fresh form, validate, send, and keep the
// server's refusal as data so its text follows the language.
import { computed, reactive, ref } from 'vue'
import { ElMessage } from 'element-plus'
import { errorText } from '../../api/errors.js'

export function useCreateDialog({ blank, requiredFields, t, submit, done }) {
  const open = ref(false)
  const saving = ref(false)
  const failure = ref(null)
  const formRef = ref(null)
  const form = reactive(blank())
  const formError = computed(() => (failure.value ? errorText(failure.value) : ''))
  const rules = computed(() =>
    Object.fromEntries(requiredFields.map((f) => [f, [{ required: true, message: t('common.required'), trigger: 'blur' }]])),
  )

  function start() {
    Object.assign(form, blank())
    failure.value = null
    open.value = true
  }

  async function save() {
    if (!(await formRef.value.validate().catch(() => false))) return
    saving.value = true
    failure.value = null
    try {
      const message = await submit(form)
      open.value = false
      ElMessage({ type: 'success', message })
      done()
    } catch (e) {
      failure.value = e
    } finally {
      saving.value = false
    }
  }

  return { open, saving, formRef, form, formError, rules, start, save }
}
