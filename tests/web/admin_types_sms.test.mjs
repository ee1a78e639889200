// Admin pages against a real server and Chromium: an admin adds a required select field to the
// repair type (the server's refusal of a select without options shows next to that field), and
// the agent's work-order form then asks for it; the SMS outbox page lists the message a dispatch
// to a named crew member queued (Kannel configured but not running: the message waits, pending,
// with its last error), and other roles do not get the admin pages.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { Server, launchBrowser, screenshotPath, findCaller } from './harness.mjs'

const AGENT = { username: 'types.agent', password: 'agent-pass-1', role: 'agent', displayName: '王芳', extension: '7201' }
const CREW = { username: 'types.crew', password: 'crew-pass-1', role: 'field', display_name: '郑抢修', mobile: '13912345678' }

let server
let browser
let adminApi
let agentApi
let caller
let order

// A port nothing listens on: the SMS worker's sends are refused there, as with Kannel down.
function closedPort() {
  return new Promise((resolve) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

before(async () => {
  const port = await closedPort()
  server = await Server.start({ customers: 300, users: [AGENT], env: { SWITCHYARD_SMS_KANNEL_URL: `http://127.0.0.1:${port}` } })
  browser = await launchBrowser()
  adminApi = await server.api('admin', server.adminPassword)
  agentApi = await server.api(AGENT.username, AGENT.password)
  caller = await findCaller(agentApi)
  const crew = await adminApi.post('/users', {
    username: CREW.username, password: CREW.password, role: 'field', display_name: CREW.display_name,
    region_code: caller.region.slice(0, 6), mobile: CREW.mobile,
  })
  assert.equal(crew.status, 201, JSON.stringify(crew.body))
  CREW.id = crew.body.id
})

after(async () => {
  if (browser) await browser.close()
  if (server) await server.stop()
})

async function newPage(language) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'America/New_York' })
  const page = await context.newPage()
  page.setDefaultTimeout(15000)
  if (language) await page.addInitScript((l) => localStorage.setItem('switchyard.language', l), language)
  return page
}

async function signIn(page, username, password, next = '') {
  await page.goto(`${server.url}/login${next ? `?next=${encodeURIComponent(next)}` : ''}`)
  await page.locator('input[data-test=username]').fill(username)
  await page.locator('input[data-test=password]').fill(password)
  await page.locator('[data-test=sign-in]').click()
}

async function pick(page, selectTest, optionText) {
  await page.locator(`[data-test=${selectTest}]`).click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: optionText }).first().click()
}

function shanghai(iso) {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Shanghai', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  }).formatToParts(new Date(iso)).map((x) => [x.type, x.value]))
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`
}

test('an admin adds a required select field to the repair type and the agent\'s form asks for it', async () => {
  const page = await newPage()
  await signIn(page, 'admin', server.adminPassword)
  await page.locator('[data-test=nav-work-order-types]').click()
  await page.waitForURL(/\/admin\/work-order-types$/)
  await page.locator('[data-test=type-edit-repair]').click()
  const editor = page.locator('.el-dialog[data-test=type-editor]')
  await editor.waitFor()
  assert.equal(await editor.locator('input[data-test=type-name]').inputValue(), '故障报修')
  // The shipped repair deadline: on site within 45 minutes (urban), kept as it is.
  assert.equal(await editor.locator('[data-test=type-step-0-arrive-amount] input').inputValue(), '45')

  await editor.locator('[data-test=type-field-add]').click()
  await editor.locator('input[data-test=type-field-key-0]').fill('phase')
  await editor.locator('input[data-test=type-field-label-0]').fill('故障相别')
  await pick(page, 'type-field-kind-0', '下拉选择')
  await editor.locator('[data-test=type-field-required-0]').click()
  // A select without options: the server refuses and the page says so at that field.
  await editor.locator('[data-test=type-save]').click()
  const fieldError = editor.locator('[data-test=type-field-error-0]')
  await fieldError.getByText('请填写必填项').waitFor()
  assert.match(await fieldError.innerText(), /fields\[0\]\.options/)
  await editor.locator('input[data-test=type-field-options-0]').fill('A相，B相, C相')
  // A second field, moved above the first and then removed again: order and removal are kept.
  await editor.locator('[data-test=type-field-add]').click()
  await editor.locator('input[data-test=type-field-key-1]').fill('households')
  await editor.locator('input[data-test=type-field-label-1]').fill('影响户数')
  await editor.locator('[data-test=type-field-up-1]').click()
  assert.equal(await editor.locator('input[data-test=type-field-key-0]').inputValue(), 'households')
  await editor.locator('[data-test=type-field-remove-0]').click()
  assert.equal(await editor.locator('input[data-test=type-field-key-0]').inputValue(), 'phase')
  await page.screenshot({ path: screenshotPath('admin-type-fields.png') })
  await editor.locator('[data-test=type-save]').click()
  await editor.waitFor({ state: 'hidden' })
  await page.locator('[data-test=type-fields-repair]').getByText('故障相别').waitFor()

  const saved = await adminApi.get('/work-order-types/repair')
  assert.deepEqual(saved.body.fields, [{ key: 'phase', label: '故障相别', kind: 'select', required: true, options: ['A相', 'B相', 'C相'] }])
  assert.equal(saved.body.steps[0].arrive_within.amount, 45)
  assert.deepEqual(Object.keys(saved.body.steps[0].arrive_within.by_area_class).sort(), ['remote', 'rural'])
  await page.context().close()

  // The agent raises a repair order: the form shows the new field and requires it.
  const desk = await newPage()
  await signIn(desk, AGENT.username, AGENT.password, `/agent?phone=${caller.phone}&call_id=call-types-0001`)
  await desk.locator('[data-test=customer-name]').getByText(caller.name).waitFor()
  await desk.locator('textarea[data-test=wrap-up-summary]').fill('表箱冒烟，单相无电')
  await desk.locator('[data-test=wrap-up-create-work-order]').click()
  const form = desk.locator('.el-dialog[data-test=wo-form]')
  await form.waitFor()
  await pick(desk, 'wo-type', '故障报修')
  await pick(desk, 'wo-subtype', '无电')
  const phase = form.locator('[data-test=wo-field-phase]')
  await phase.getByText('故障相别').waitFor()
  assert.match(await phase.getAttribute('class'), /is-required/)
  // Dispatched below to a named crew member, not to the department at once.
  await form.locator('[data-test=wo-dispatch-now]').click()
  await form.locator('[data-test=wo-submit]').click()
  await phase.locator('.el-form-item__error').getByText('请填写必填项：故障相别').waitFor()
  await pick(desk, 'wo-field-phase-input', 'B相')
  await form.locator('[data-test=wo-submit]').click()
  const number = (await form.locator('[data-test=wo-created-number]').innerText()).trim()
  const found = await agentApi.get(`/work-orders?number=${number}`)
  order = found.body.items[0]
  assert.equal(order.fields.phase, 'B相')
  assert.equal(order.state, 'new')
  // The order's page shows the value under the field's label.
  await form.locator('[data-test=wo-created-open]').click()
  assert.equal((await desk.locator('[data-test=wo-field-phase]').innerText()).trim(), 'B相')
  await desk.context().close()
})

test('the SMS outbox page lists the message a dispatch queued for the crew', async () => {
  assert.ok(order, 'the order of the first test')
  const d = await adminApi.post(`/work-orders/${order.id}/transitions`, { action: 'dispatch', assignee_id: CREW.id, note: '请尽快到场' })
  assert.equal(d.status, 200, JSON.stringify(d.body))
  const listed = await adminApi.get('/sms/outbox')
  const sms = listed.body.items.find((m) => m.order_id === order.id)
  assert.ok(sms, JSON.stringify(listed.body))

  const page = await newPage()
  await signIn(page, 'admin', server.adminPassword)
  await page.locator('[data-test=nav-sms]').click()
  await page.waitForURL(/\/admin\/sms$/)
  const table = page.locator('[data-test=sms-table]')
  await table.locator(`[data-test=sms-recipient-${sms.id}]`).getByText(CREW.mobile).waitFor()
  const row = table.locator('tr', { has: page.locator(`[data-test=sms-recipient-${sms.id}]`) })
  await row.getByText(order.number).first().waitFor()
  assert.ok((await row.innerText()).includes(`工单${order.number}（故障报修）已派给您`))
  assert.ok((await row.innerText()).includes(shanghai(sms.created_at)), 'queued at, in the centre\'s time zone')
  // Kannel is not running: the worker's attempt is refused and the message waits, pending
  // (failed only after its last attempt).
  assert.match(await row.locator(`[data-test=sms-state-${sms.id}]`).innerText(), /待发送|发送失败/)
  await page.screenshot({ path: screenshotPath('admin-sms-outbox.png') })
  // Filtered by state: the sent ones do not include it.
  await pick(page, 'sms-state', '已发送')
  await table.getByText('暂无数据').waitFor()
  await page.context().close()

  // An agent gets neither page nor the API.
  const agentPage = await newPage()
  await signIn(agentPage, AGENT.username, AGENT.password)
  await agentPage.waitForURL(/\/agent/)
  assert.equal(await agentPage.locator('[data-test=nav-sms]').count(), 0)
  assert.equal(await agentPage.locator('[data-test=nav-work-order-types]').count(), 0)
  assert.equal((await agentApi.get('/sms/outbox')).status, 403)
  await agentPage.context().close()
})
