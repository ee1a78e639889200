// Hot-desking end to end against a real server (demo data: seat phones 8101–8110 in 福州) and
// Chromium: an admin sees the demo seats on /admin/seats and adds one; an agent opens /agent,
// the state bar shows their own extension, they pick seat 8101 from the list (with its label)
// and the state bar shows 8101 — and the server rings 8101 for them (GET /agents/me); a second
// agent no longer finds 8101 among the choices. Once in English too.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { Server, launchBrowser, screenshotPath } from './harness.mjs'

const ADMIN = { username: 'seat.admin', password: 'admin-pass-123', role: 'admin', displayName: '赵管理员' }

let server
let browser
let agentPassword

before(async () => {
  server = await Server.start({ customers: 300, users: [ADMIN] })
  agentPassword = /sign-in password (\S+)/.exec(server.demoOutput)[1]
  browser = await launchBrowser()
})

after(async () => {
  if (browser) await browser.close()
  if (server) await server.stop()
})

async function signIn(page, username, password) {
  await page.goto(`${server.url}/login`)
  await page.locator('input[data-test=username]').fill(username)
  await page.locator('input[data-test=password]').fill(password)
  await page.locator('[data-test=sign-in]').click()
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
}

test('an admin manages seat phones on /admin/seats', async () => {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1300, height: 900 } })
  const page = await context.newPage()
  await signIn(page, ADMIN.username, ADMIN.password)
  await page.locator('[data-test=nav-seats]').click()
  await page.waitForURL(/\/admin\/seats$/)
  const table = page.locator('[data-test=seats-table]')
  await table.getByText('3楼A区1号', { exact: true }).waitFor()
  await table.getByText('8110', { exact: true }).waitFor()

  await page.locator('[data-test=seat-new]').click()
  await page.locator('input[data-test=seat-form-extension]').fill('8120')
  await page.locator('input[data-test=seat-form-password]').fill('seat-phone-pass')
  await page.locator('[data-test=seat-form-region]').click()
  await page.locator('.el-select-dropdown__item').filter({ hasText: '350100' }).first().click()
  await page.locator('input[data-test=seat-form-label]').fill('3楼B区20号')
  await page.getByRole('button', { name: '创建' }).click()
  await table.getByText('3楼B区20号', { exact: true }).waitFor()

  const api = await server.api(ADMIN.username, ADMIN.password)
  const seats = await api.get('/seats?q=8120')
  assert.equal(seats.status, 200)
  assert.equal(seats.body.items[0].label, '3楼B区20号')
  assert.equal(seats.body.items[0].region_code, '350100')
  await context.close()
})

test('an agent picks a seat on /agent and the state bar shows it', async () => {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1400, height: 900 } })
  const page = await context.newPage()
  await signIn(page, 'agent8001', agentPassword)
  await page.goto(`${server.url}/agent`)
  const picker = page.locator('[data-test=seat-picker]')
  await picker.getByText('分机').first().waitFor()
  await page.locator('[data-test=current-extension]').getByText('8001').waitFor()

  await page.locator('[data-test=seat-change]').click()
  const choices = page.locator('[data-test=seat-choices]')
  await choices.getByText('我的分机').waitFor()
  await choices.getByText('3楼A区1号').waitFor()
  await page.locator('[data-test=seat-pick-8101]').click()
  await page.locator('[data-test=current-extension]').getByText('8101').waitFor()
  await page.locator('[data-test=current-seat-label]').getByText('3楼A区1号').waitFor()
  await page.screenshot({ path: screenshotPath('agent-seat-picked.png') })

  // The server rings 8101 for agent8001 now; agent8003 (same city) no longer sees it as free.
  const mine = await (await server.api('agent8001', agentPassword)).get('/agents/me')
  assert.equal(mine.body.current_extension, '8101')
  const other = await server.api('agent8003', agentPassword)
  const choicesOfOther = await other.get('/agents/me/seat-choices')
  assert.equal(choicesOfOther.status, 200)
  const free = choicesOfOther.body.choices.map((c) => c.extension)
  assert.ok(!free.includes('8101'), free.join(','))
  assert.ok(free.includes('8102'), free.join(','))
  const taken = await other.send('PUT', '/agents/me/extension', { extension: '8101' })
  assert.equal(taken.status, 409)
  assert.equal(taken.body.error.code, 'seat_taken')

  // Going offline frees the seat: the bar is back at the agent's own extension.
  await page.locator('[data-test=state-offline]').click()
  await page.locator('[data-test=current-extension]').getByText('8001').waitFor()
  await context.close()
})

test('the seat picker in English', async () => {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1400, height: 900 } })
  const page = await context.newPage()
  await page.addInitScript(() => localStorage.setItem('switchyard.language', 'en-US'))
  await signIn(page, 'agent8005', agentPassword)
  await page.goto(`${server.url}/agent`)
  await page.locator('[data-test=current-extension]').getByText('8005').waitFor()
  await page.locator('[data-test=seat-change]').click()
  await page.locator('[data-test=seat-choices]').getByText('My own extension').waitFor()
  await page.locator('[data-test=seat-pick-8102]').click()
  await page.locator('[data-test=current-extension]').getByText('8102').waitFor()
  await page.locator('[data-test=seat-picker]').getByText('Extension').first().waitFor()
  await context.close()
})
