// Work-order pages end to end against a real server and Chromium: an agent raises a repair
// order from a call's screen pop, the back office of the customer's county accepts and resolves
// it (another county's back office cannot see it), a field crew works an order on a
// phone-sized page (accept, arrive with the browser's location, photos, resolve), and the
// return-visit worklist reopens an order the customer is unsatisfied with. One page in en-US.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { Server, launchBrowser, screenshotPath, yuan, findCaller } from './harness.mjs'

const AGENT = { username: 'wo.agent', password: 'agent-pass-1', role: 'agent', displayName: '王芳', extension: '7101' }
// Region-bound users are made once the test knows the demo customer's county.
const BO = { username: 'wo.backoffice', password: 'bo-pass-1', role: 'backoffice', displayName: '陈后台' }
const BO_OTHER = { username: 'wo.backoffice2', password: 'bo-pass-2', role: 'backoffice', displayName: '林后台' }
const FIELD = { username: 'wo.field', password: 'field-pass-1', role: 'field', displayName: '郑抢修' }
const HERE = { latitude: 26.074512, longitude: 119.296531, accuracy: 12 }

let server
let browser
let caller // a customer with a phone of their own and no active outage in their area
let owing // a customer with one account in arrears
let agentApi
const orders = {} // what the tests raise, by role in the story

before(async () => {
  // Find the demo customers first (a throw-away server), then start with the users in their
  // counties: region binding is given when a user is made.
  const probe = await Server.start({ customers: 2000, users: [AGENT] })
  try {
    const api = await probe.api(AGENT.username, AGENT.password)
    caller = await findCaller(api)
    owing = await findOwing(api)
  } finally {
    await probe.stop()
  }
  const county = caller.region.slice(0, 6)
  const other = county === '350102' ? '350103' : '350102'
  server = await Server.start({
    customers: 2000,
    users: [AGENT, { ...BO, region: county }, { ...BO_OTHER, region: other }, { ...FIELD, region: county }],
  })
  browser = await launchBrowser()
  agentApi = await server.api(AGENT.username, AGENT.password)
})

after(async () => {
  if (browser) await browser.close()
  if (server) await server.stop()
})

async function findOwing(api) {
  const found = await api.get('/customers?has_arrears=true&page_size=60')
  for (const c of found.body.items) {
    const file = await api.get(`/customers/${c.id}`)
    for (const p of file.body.phones || []) {
      const pop = await api.get(`/customers/lookup?phone=${encodeURIComponent(p.phone)}`)
      if (pop.status !== 200 || pop.body.count !== 1) continue
      const m = pop.body.matches[0]
      if (m.accounts.length === 1 && m.accounts[0].arrears_fen > 0) {
        return { phone: p.phone, account: m.accounts[0].account_no, arrearsFen: m.accounts[0].arrears_fen }
      }
    }
  }
  throw new Error('no demo customer with one account in arrears')
}

function shanghai(iso) {
  const p = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Shanghai', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  }).formatToParts(new Date(iso)).map((x) => [x.type, x.value]))
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`
}

async function newPage({ language, mobile, located = true } = {}) {
  const options = mobile
    ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2,
        ...(located ? { geolocation: HERE, permissions: ['geolocation'] } : {}) }
    : { viewport: { width: 1440, height: 900 } }
  const context = await browser.newContext({ ...options, locale: 'zh-CN', timezoneId: 'America/New_York' })
  const page = await context.newPage()
  page.setDefaultTimeout(15000)
  if (language) await page.addInitScript((l) => localStorage.setItem('switchyard.language', l), language)
  return page
}

async function signIn(page, user, next = '') {
  await page.goto(`${server.url}/login${next ? `?next=${encodeURIComponent(next)}` : ''}`)
  await page.locator('input[data-test=username]').fill(user.username)
  await page.locator('input[data-test=password]').fill(user.password)
  await page.locator('[data-test=sign-in]').click()
}

async function pick(page, selectTest, optionText) {
  await page.locator(`[data-test=${selectTest}]`).click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: optionText }).first().click()
}

test('an agent raises a repair order from the call\'s screen pop and gets its number', async () => {
  const page = await newPage()
  await signIn(page, AGENT, `/agent?phone=${caller.phone}&call_id=call-wo-0001`)
  await page.waitForURL(/\/agent\?/)
  await page.locator('[data-test=customer-name]').getByText(caller.name).waitFor()
  await page.locator('textarea[data-test=wrap-up-summary]').fill('家中突然停电，邻居家有电，空开未跳')
  await page.locator('[data-test=wrap-up-create-work-order]').click()

  const form = page.locator('.el-dialog[data-test=wo-form]')
  await form.waitFor()
  // Pre-filled from the call and the caller's file.
  assert.match(await form.locator('[data-test=wo-customer]').innerText(), new RegExp(caller.name))
  assert.equal(await form.locator('input[data-test=wo-call-id]').inputValue(), 'call-wo-0001')
  assert.equal(await form.locator('input[data-test=wo-phone]').inputValue(), caller.phone)
  assert.equal(await form.locator('input[data-test=wo-region]').inputValue(), caller.region)
  assert.equal(await form.locator('textarea[data-test=wo-description]').inputValue(), '家中突然停电，邻居家有电，空开未跳')

  await pick(page, 'wo-type', '故障报修')
  await form.locator('[data-test=wo-type-info]').getByText('抢修').waitFor()
  await pick(page, 'wo-subtype', '无电')
  await form.locator('[data-test=wo-submit]').click()
  const number = (await form.locator('[data-test=wo-created-number]').innerText()).trim()
  assert.match(number, /^GD\d{14}$/)
  await form.locator('[data-test=wo-created-state]').getByText('已派单').waitFor()
  await page.screenshot({ path: screenshotPath('workorder-create.png') })

  const found = await agentApi.get(`/work-orders?number=${number}`)
  assert.equal(found.body.total, 1)
  const order = found.body.items[0]
  assert.equal(order.customer_id, caller.id)
  assert.equal(order.call_id, 'call-wo-0001')
  assert.equal(order.type, 'repair')
  assert.equal(order.subtype, 'no_power')
  assert.equal(order.state, 'dispatched')
  assert.equal(order.department, 'repair_crew')
  orders.desk = order

  // "Open the order" shows it with its timeline: created, then dispatched.
  await form.locator('[data-test=wo-created-open]').click()
  await page.locator('[data-test=wo-number]').getByText(number).waitFor()
  await page.locator('[data-test=wo-timeline-dispatch]').waitFor()
  // The browser runs in New York; times show in the centre's zone (Asia/Shanghai).
  assert.equal((await page.locator('[data-test=wo-created-at]').innerText()).trim(), shanghai(order.created_at))
  await page.context().close()
})

test('in English, a business change for an account in arrears is refused naming the amount in yuan', async () => {
  const page = await newPage({ language: 'en-US' })
  await signIn(page, AGENT, `/agent?phone=${owing.phone}`)
  await page.locator('[data-test=customer-file]').waitFor()
  await page.locator('[data-test=wrap-up-create-work-order]').click()
  const form = page.locator('.el-dialog[data-test=wo-form]')
  await form.getByText('New work order').waitFor()
  await pick(page, 'wo-type', 'Business change')
  // Without the subtype the server names the missing field; the form says it in its words.
  await form.locator('[data-test=wo-submit]').click()
  const error = form.locator('[data-test=wo-error]')
  await error.getByText('Required field missing: Subtype').waitFor()
  await pick(page, 'wo-subtype', 'Capacity increase')
  await form.locator('[data-test=wo-submit]').click()
  await error.getByText(`Account ${owing.account} has arrears`).waitFor()
  const text = await error.innerText()
  assert.match(text, new RegExp(`Account ${owing.account} has arrears of ${yuan(owing.arrearsFen).replace(/[$.]/g, '\\$&')}`))
  await page.screenshot({ path: screenshotPath('workorder-arrears-en.png') })
  const none = await agentApi.get(`/work-orders?account=${owing.account}&type=business_change&open=true`)
  assert.equal(none.body.total, 0)
  await page.context().close()
})

test('the back office of the customer\'s county accepts and resolves the order; another county does not see it', async () => {
  const number = orders.desk.number
  const other = await newPage()
  await signIn(other, BO_OTHER)
  await other.waitForURL(/\/workorders$/)
  await other.locator('input[data-test=wo-filter-q]').fill(number)
  await other.locator('[data-test=wo-filter-submit]').click()
  await other.locator('[data-test=wo-table]').getByText('没有符合条件的工单').waitFor()
  await other.goto(`${server.url}/workorders/${orders.desk.id}`)
  await other.locator('[data-test=wo-load-error]').getByText('工单不存在或不在您的管辖范围内').waitFor()
  await other.context().close()

  const page = await newPage()
  await signIn(page, BO)
  await page.waitForURL(/\/workorders$/)
  // Overdue first, then the nearest deadline: the list is ordered that way.
  await page.locator(`[data-test=wo-row-${number}]`).waitFor()
  // (The deadline checker may mark an order overdue between two reads: compare again then.)
  let shown
  let expected
  for (let attempt = 0; attempt < 5; attempt++) {
    expected = (await agentApi.get(`/work-orders?region=${caller.region.slice(0, 6)}&open=true&sort=due&page_size=20`)).body.items.map((o) => o.number)
    const answered = page.waitForResponse((r) => r.url().includes('/api/v1/work-orders?'))
    await page.locator('[data-test=wo-filter-submit]').click()
    await answered
    shown = (await page.locator('[data-test=wo-table] .el-table__body tr td:first-child').allInnerTexts()).map((s) => s.trim())
    if (JSON.stringify(shown) === JSON.stringify(expected)) break
  }
  assert.deepEqual(shown, expected)
  await page.screenshot({ path: screenshotPath('workorder-inbox.png') })

  await page.locator(`[data-test=wo-row-${number}]`).click()
  await page.locator('[data-test=wo-number]').getByText(number).waitFor()
  assert.equal((await page.locator('[data-test=wo-step]').innerText()).trim(), '抢修')
  await page.locator('[data-test=wo-action-accept]').click()
  await page.locator('[data-test=wo-state]').getByText('已接单').waitFor()
  await page.locator('[data-test=wo-action-start]').click()
  await page.locator('[data-test=wo-state]').getByText('处理中').waitFor()
  await page.locator('textarea[data-test=wo-note]').fill('更换进户线熔丝，已恢复供电')
  await page.locator('[data-test=wo-action-resolve]').click()
  await page.locator('[data-test=wo-state]').getByText('已办结').waitFor()
  await page.locator('[data-test=wo-timeline]').getByText('更换进户线熔丝，已恢复供电').waitFor()
  // Who did what, by name: the agent raised and dispatched it, this user accepted it.
  await page.locator('[data-test=wo-timeline-dispatch]').getByText(AGENT.displayName).waitFor()
  await page.locator('[data-test=wo-timeline-accept]').getByText(`${BO.displayName}（我）`).waitFor()
  await page.screenshot({ path: screenshotPath('workorder-detail.png'), fullPage: true })

  const d = await agentApi.get(`/work-orders/${orders.desk.id}`)
  assert.equal(d.body.state, 'resolved')
  assert.deepEqual(d.body.transitions.map((t) => t.action), ['create', 'dispatch', 'accept', 'start', 'resolve'])
  const bo = await (await server.api(BO.username, BO.password)).get('/auth/me')
  assert.equal(d.body.transitions[2].user_id, bo.body.user.id)
  await page.context().close()
})

test('a field crew on a phone accepts, arrives with the browser\'s location, adds a photo and resolves', async () => {
  const created = await agentApi.post('/work-orders', {
    type: 'repair', subtype: 'line_fault', customer_id: caller.id, description: '门口电线被树枝压断，有火花', channel: 'voice', phone: caller.phone,
  })
  assert.equal(created.status, 201)
  const number = created.body.number
  assert.equal((await agentApi.post(`/work-orders/${created.body.id}/transitions`, { action: 'dispatch', note: '' })).status, 200)

  const page = await newPage({ mobile: true })
  await signIn(page, FIELD)
  await page.waitForURL(/\/field$/)
  await page.locator('.field-tabs').getByText('待接单').click()
  await page.locator(`[data-test=field-card-${number}]`).click()
  await page.locator('[data-test=field-number]').getByText(number).waitFor()
  await page.locator('[data-test=field-accept]').click()
  await page.locator('[data-test=field-state]').getByText('已接单').waitFor()
  // The centre urges 催办 the order: the crew's phone hears of it at once.
  assert.equal((await agentApi.post(`/work-orders/${created.body.id}/transitions`, { action: 'urge', note: '客户再次来电催促' })).status, 200)
  const notice = page.locator('.wo-notice-urged')
  await notice.getByText(number).waitFor()
  assert.match(await notice.innerText(), /工单催办[\s\S]*客户再次来电催促/)
  await page.locator('[data-test=field-arrive]').click()
  await page.locator('[data-test=field-state]').getByText('处理中').waitFor()
  assert.match(await page.locator('[data-test=field-location]').innerText(), /26\.07451, 119\.29653 \(±12 m\)/)

  // A text file is refused with the reason, so is a document above the attachment limit
  // (10 MB, past the 1 MB of other requests); a 1.5 MB PDF is stored as it is and a
  // camera-sized photo is stored and shown.
  const upload = page.locator('[data-test=field-upload]')
  await upload.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo') })
  await page.locator('[data-test=field-upload-error]').getByText('只能上传 JPEG、PNG、WebP 照片或 PDF 文件').waitFor()
  const hugePdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(11 * 1024 * 1024, 0x20)])
  await upload.setInputFiles({ name: 'scan.pdf', mimeType: 'application/pdf', buffer: hugePdf })
  await page.locator('[data-test=field-upload-error]').getByText('文件过大，附件上限 10.0 MB').waitFor()
  const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(1536 * 1024, 0x20)])
  await upload.setInputFiles({ name: 'report.pdf', mimeType: 'application/pdf', buffer: pdf })
  await page.locator('[data-test=field-photos]').getByText('report.pdf').waitFor()
  const photo = Buffer.from(await page.evaluate(() => {
    const c = document.createElement('canvas')
    c.width = 2400
    c.height = 1800
    const g = c.getContext('2d')
    const img = g.createImageData(c.width, c.height)
    for (let i = 0; i < img.data.length; i++) img.data[i] = (i * 2654435761) >>> 24
    g.putImageData(img, 0, 0)
    return c.toDataURL('image/jpeg', 0.95).split(',')[1]
  }), 'base64')
  assert.ok(photo.length > 1024 * 1024, `the test photo is ${photo.length} bytes`)
  await upload.setInputFiles({ name: 'site.jpg', mimeType: 'image/jpeg', buffer: photo })
  await page.locator('[data-test=field-photos] img').waitFor()
  assert.equal(await page.locator('[data-test=field-upload-error]').count(), 0)

  await page.locator('textarea[data-test=field-note]').fill('已清除树枝并重新接线，恢复供电')
  await page.locator('[data-test=field-resolve]').click()
  await page.locator('[data-test=field-state]').getByText('已办结').waitFor()
  await page.screenshot({ path: screenshotPath('workorder-field-mobile.png'), fullPage: true })

  const d = await agentApi.get(`/work-orders/${created.body.id}`)
  assert.equal(d.body.state, 'resolved')
  assert.ok(d.body.arrived_at)
  // The arrival location is a structured field of the start row.
  const start = d.body.transitions.find((t) => t.action === 'start')
  assert.deepEqual(start.location, { lat: 26.074512, lon: 119.296531, accuracy_m: 12 })
  assert.equal(d.body.attachments.length, 2)
  assert.equal(d.body.attachments[0].content_type, 'application/pdf')
  assert.equal(d.body.attachments[0].size_bytes, pdf.length)
  assert.equal(d.body.attachments[1].content_type, 'image/jpeg')
  assert.ok(d.body.attachments[1].size_bytes <= 3 * 1024 * 1024)
  const me = await (await server.api(FIELD.username, FIELD.password)).get('/auth/me')
  assert.equal(d.body.assignee_id, me.body.user.id)
  orders.field = d.body

  // "My orders" lists what the crew still has to do: the resolved order has left it.
  await page.locator('[data-test=field-back]').click()
  await page.locator('.field-tabs').getByText('我的工单').click()
  await page.locator('[data-test=field-list]').getByText('暂无工单').waitFor()
  assert.equal(await page.locator(`[data-test=field-card-${number}]`).count(), 0)
  await page.context().close()
})

test('a crew whose phone refuses the location is told so and may arrive without it', async () => {
  const created = await agentApi.post('/work-orders', {
    type: 'repair', subtype: 'meter_fault', customer_id: caller.id, description: '电表黑屏', channel: 'voice',
  })
  const id = created.body.id
  assert.equal((await agentApi.post(`/work-orders/${id}/transitions`, { action: 'dispatch', note: '' })).status, 200)
  const crew = await server.api(FIELD.username, FIELD.password)
  assert.equal((await crew.post(`/work-orders/${id}/transitions`, { action: 'accept', note: '' })).status, 200)

  const page = await newPage({ mobile: true, located: false })
  await signIn(page, FIELD)
  await page.locator(`[data-test=field-card-${created.body.number}]`).click()
  await page.locator('[data-test=field-arrive]').click()
  await page.locator('[data-test=field-message]').getByText('未获得定位权限').waitFor()
  await page.locator('[data-test=field-arrive-without]').click()
  await page.locator('[data-test=field-state]').getByText('处理中').waitFor()
  const d = await agentApi.get(`/work-orders/${id}`)
  assert.equal(d.body.state, 'in_progress')
  assert.equal(d.body.transitions.at(-1).note, '已到达现场（未获取定位）')
  await page.context().close()
})

test('the return-visit worklist: unsatisfied reopens an order, satisfied closes one', async () => {
  const page = await newPage()
  await signIn(page, AGENT, '/workorders/return-visits')
  await page.waitForURL(/return-visits$/)
  const unhappy = orders.field.number
  const happy = orders.desk.number
  await page.locator(`[data-test=wo-visit-row-${unhappy}]`).waitFor()
  await page.locator(`[data-test=wo-visit-row-${happy}]`).waitFor()
  await page.screenshot({ path: screenshotPath('workorder-return-visits.png') })

  await page.locator(`[data-test=wo-visit-unsatisfied-${unhappy}]`).click()
  const dialog = page.locator('.el-dialog[data-test=wo-visit-dialog]')
  await dialog.getByText('记录后工单重新打开').waitFor()
  await dialog.locator('textarea[data-test=wo-visit-note]').fill('客户反映当晚又停电')
  await dialog.locator('[data-test=wo-visit-confirm]').click()
  await page.locator(`[data-test=wo-visit-row-${unhappy}]`).waitFor({ state: 'detached' })

  await page.locator(`[data-test=wo-visit-satisfied-${happy}]`).click()
  await dialog.locator('[data-test=wo-visit-confirm]').click()
  await page.locator(`[data-test=wo-visit-row-${happy}]`).waitFor({ state: 'detached' })

  const reopened = await agentApi.get(`/work-orders/${orders.field.id}`)
  assert.equal(reopened.body.state, 'reopened')
  const last = reopened.body.transitions.at(-1)
  assert.equal(last.action, 'reopen')
  assert.match(last.note, /^visit_outcome=unsatisfied 客户反映当晚又停电$/)
  const closed = await agentApi.get(`/work-orders/${orders.desk.id}`)
  assert.equal(closed.body.state, 'closed')
  assert.deepEqual(closed.body.transitions.slice(-2).map((t) => t.action), ['visit', 'close'])

  // The reopened order is back in its county's inbox with the outcome on its timeline.
  await page.goto(`${server.url}/workorders/${orders.field.id}`)
  await page.locator('[data-test=wo-state]').getByText('已重开').waitFor()
  await page.locator('[data-test=wo-timeline]').getByText('不满意').waitFor()
  // The crew's arrival location shows on the order for the back office.
  assert.match(await page.locator('[data-test=wo-location]').innerText(), /26\.07451, 119\.29653/)
  await page.context().close()
})

test('the back office edits an order on its detail page and dispatches it to a named crew member', async () => {
  const created = await agentApi.post('/work-orders', {
    type: 'repair', subtype: 'line_fault', customer_id: caller.id, description: '表箱冒烟', channel: 'voice', phone: caller.phone,
  })
  assert.equal(created.status, 201)
  const id = created.body.id
  const page = await newPage()
  await signIn(page, BO, `/workorders/${id}`)
  await page.locator('[data-test=wo-number]').getByText(created.body.number).waitFor()

  // Edit: the description and phone change, the timeline names both changes.
  await page.locator('[data-test=wo-edit-open]').click()
  const dialog = page.locator('.el-dialog[data-test=wo-edit]')
  await dialog.locator('textarea[data-test=wo-edit-description]').fill('表箱冒烟，已闻到焦味')
  await dialog.locator('input[data-test=wo-edit-phone]').fill('13905910123')
  await dialog.locator('input[data-test=wo-edit-note]').fill('客户回拨补充')
  await dialog.locator('[data-test=wo-edit-save]').click()
  await page.locator('[data-test=wo-description]').getByText('表箱冒烟，已闻到焦味').waitFor()
  const changes = page.locator('[data-test=wo-timeline-edit] [data-test=wo-timeline-changes]')
  await changes.getByText('问题描述：表箱冒烟 → 表箱冒烟，已闻到焦味').waitFor()
  await changes.getByText(`联系电话：${caller.phone} → 13905910123`).waitFor()
  await page.locator('[data-test=wo-timeline-edit]').getByText('客户回拨补充').waitFor()

  // Dispatch to a named crew member of the county, picked from the order's assignees.
  await pick(page, 'wo-assignee', FIELD.displayName)
  await page.locator('[data-test=wo-action-dispatch]').click()
  await page.locator('[data-test=wo-state]').getByText('已派单').waitFor()
  await page.locator('.el-descriptions').getByText(FIELD.displayName).waitFor()
  await page.screenshot({ path: screenshotPath('workorder-edit-dispatch.png'), fullPage: true })

  const d = await agentApi.get(`/work-orders/${id}`)
  const field = await (await server.api(FIELD.username, FIELD.password)).get('/auth/me')
  assert.equal(d.body.assignee_id, field.body.user.id)
  assert.equal(d.body.phone, '13905910123')
  const edit = d.body.transitions.find((t) => t.action === 'edit')
  assert.deepEqual(Object.keys(edit.changes).sort(), ['description', 'phone'])

  // Once closed, an edit is refused with the reason (the button is gone; the API says 409).
  const crewApi = await server.api(FIELD.username, FIELD.password)
  for (const [who, a] of [[crewApi, 'accept'], [crewApi, 'start'], [crewApi, 'resolve'], [agentApi, 'visit'], [agentApi, 'close']]) {
    assert.equal((await who.post(`/work-orders/${id}/transitions`, { action: a, note: '' })).status, 200, a)
  }
  await page.reload()
  await page.locator('[data-test=wo-state]').getByText('已归档').waitFor()
  assert.equal(await page.locator('[data-test=wo-edit-open]').count(), 0)
  const refused = await agentApi.patch(`/work-orders/${id}`, { description: '晚了' })
  assert.equal(refused.status, 409)
  assert.equal(refused.body.error.code, 'work_order_closed')
  await page.context().close()
})
