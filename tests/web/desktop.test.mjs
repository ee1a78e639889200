// The web desktop end to end: sign-in, the agent's screen pop of a demo customer, both
// languages, the supervisor wallboard and the admin pages, against a real server and Chromium.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { Server, launchBrowser, screenshotPath, screenshotDir, yuan } from './harness.mjs'

const AGENT = { username: 'zhang.wei', password: 'agent-pass-1', role: 'agent', displayName: '张伟', extension: '7001' }
const SUPERVISOR = { username: 'li.na', password: 'super-pass-1', role: 'supervisor', displayName: '李娜' }

let server
let browser
let caller // a demo customer with arrears whose phone number belongs to them alone

before(async () => {
  server = await Server.start({ customers: 2000, users: [AGENT, SUPERVISOR] })
  browser = await launchBrowser()
  caller = await findCallerWithArrears(await server.api(AGENT.username, AGENT.password))
  console.log(`screenshots in ${screenshotDir}`)
})

after(async () => {
  if (browser) await browser.close()
  if (server) await server.stop()
})

async function findCallerWithArrears(api) {
  const found = await api.get('/customers?has_arrears=true&page_size=50')
  assert.equal(found.status, 200)
  for (const c of found.body.items) {
    const file = await api.get(`/customers/${c.id}`)
    for (const p of file.body.phones || []) {
      const pop = await api.get(`/customers/lookup?phone=${encodeURIComponent(p.phone)}`)
      if (pop.status === 200 && pop.body.count === 1) {
        return { phone: p.phone, name: c.name, id: c.id, arrearsFen: pop.body.matches[0].arrears_total_fen }
      }
    }
  }
  throw new Error('no demo customer with arrears and a phone of their own')
}

async function newPage(language) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'America/New_York' })
  const page = await context.newPage()
  page.setDefaultTimeout(20000)
  if (language) {
    await page.addInitScript((l) => localStorage.setItem('switchyard.language', l), language)
  }
  return page
}

async function signIn(page, user) {
  await page.goto(`${server.url}/login`)
  await page.locator('input[data-test=username]').fill(user.username)
  await page.locator('input[data-test=password]').fill(user.password)
  await page.locator('[data-test=sign-in]').click()
}

test('a wrong password is refused with a Chinese message and no session', async () => {
  const page = await newPage()
  await signIn(page, { username: AGENT.username, password: 'not-the-password' })
  await page.locator('[data-test=login-error]').getByText('用户名或密码错误').waitFor()
  assert.match(page.url(), /\/login$/)
  await page.context().close()
})

test('an agent signs in, looks up a caller by phone and sees name and arrears in yuan', async () => {
  const page = await newPage()
  await signIn(page, AGENT)
  await page.waitForURL(/\/agent$/)
  await page.getByText('坐席工作台').first().waitFor()
  // Agents see no administration pages.
  assert.equal(await page.locator('[data-test=nav]').getByText('用户管理').count(), 0)

  await page.locator('input[data-test=lookup-input]').fill(caller.phone)
  await page.locator('[data-test=lookup-submit]').click()
  const file = page.locator('[data-test=customer-file]')
  await file.waitFor()
  assert.match(await page.locator('[data-test=customer-name]').innerText(), new RegExp(caller.name))
  assert.equal((await page.locator('[data-test=arrears-total]').innerText()).trim(), yuan(caller.arrearsFen))
  assert.ok(caller.arrearsFen > 0)
  await page.getByText('欠费').first().waitFor()
  await page.screenshot({ path: screenshotPath('agent-desktop-zh.png'), fullPage: true })

  // A number nobody has gets a plain message, not an error page.
  await page.locator('input[data-test=lookup-input]').fill('13000000001')
  await page.locator('[data-test=lookup-submit]').click()
  await page.locator('[data-test=lookup-not-found]').getByText('未找到电话号码 13000000001 对应的客户').waitFor()
  await page.context().close()
})

test('wrap-up saves a contact record, and times show in the centre time zone', async () => {
  const api = await server.api(AGENT.username, AGENT.password)
  // 02:30 UTC is 10:30 in Shanghai; the browser itself runs in New York.
  const earlier = await api.post('/contacts', {
    customer_id: caller.id, channel: 'voice', category: 'repair', disposition: 'resolved',
    summary: '客户报修楼道灯不亮', started_at: '2026-03-01T02:30:00Z',
  })
  assert.equal(earlier.status, 201)
  const page = await newPage()
  await signIn(page, AGENT)
  await page.waitForURL(/\/agent$/)
  await page.locator('input[data-test=lookup-input]').fill(caller.phone)
  await page.locator('[data-test=lookup-submit]').click()
  await page.locator('[data-test=customer-file]').waitFor()
  await page.getByRole('tab', { name: /最近联系/ }).click()
  const row = page.locator('.el-table__row', { hasText: '客户报修楼道灯不亮' })
  await row.waitFor()
  assert.match(await row.innerText(), /2026-03-01 10:30/)

  await page.locator('[data-test=wrap-up-category]').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: '咨询' }).click()
  await page.locator('[data-test=wrap-up-disposition]').click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: '已解决' }).click()
  await page.locator('textarea[data-test=wrap-up-summary]').fill('客户咨询峰谷电价，已解释')
  await page.locator('[data-test=wrap-up-save]').click()
  await page.getByText('联系记录已保存').waitFor()
  const history = await api.get(`/customers/${caller.id}/contacts`)
  const saved = history.body.items.find((c) => c.summary === '客户咨询峰谷电价，已解释')
  assert.ok(saved, 'the wrap-up is in the customer contact history')
  assert.equal(saved.category, 'inquiry')
  assert.equal(saved.disposition, 'resolved')
  assert.equal(saved.agent_user_id, (await api.get('/auth/me')).body.user.id)
  await page.context().close()
})

test('when several customers share a number the agent chooses whose file to open', async () => {
  const admin = await server.api('admin', server.adminPassword)
  const regions = (await admin.get('/regions')).body.items
  const area = regions.find((r) => r.level === 'area')
  const shared = '13912345678'
  for (const [name, accountNo] of [['陈建国', '9900000001'], ['陈秀英', '9900000002']]) {
    const created = await admin.post('/customers', {
      name, region_code: area.code, phones: [shared],
      accounts: [{ account_no: accountNo, arrears_fen: 12345 }],
    })
    assert.equal(created.status, 201, JSON.stringify(created.body))
  }
  const page = await newPage()
  await signIn(page, AGENT)
  await page.waitForURL(/\/agent$/)
  await page.locator('input[data-test=lookup-input]').fill(shared)
  await page.locator('[data-test=lookup-submit]').click()
  const choice = page.locator('[data-test=lookup-choice]')
  await choice.getByText('该号码对应 2 位客户，请选择').waitFor()
  await choice.locator('.el-table__row', { hasText: '陈秀英' }).click()
  await page.locator('[data-test=customer-file]').waitFor()
  assert.match(await page.locator('[data-test=customer-name]').innerText(), /陈秀英/)
  assert.equal((await page.locator('[data-test=arrears-total]').innerText()).trim(), '¥123.45')
  await page.context().close()
})

test('a demo agent goes ready, then on a break with a reason, through the state buttons', async (t) => {
  const demo = server.demoOutput.match(/Demo agents agent(\d+)[\s\S]*?sign-in password (\S+)/)
  if (!demo) return t.skip('this server has no demo agents')
  const user = { username: `agent${demo[1]}`, password: demo[2] }
  const page = await newPage()
  await signIn(page, user)
  await page.waitForURL(/\/agent$/)
  await page.locator('[data-test=state-ready]:not(.is-disabled)').waitFor()
  await page.locator('[data-test=state-ready]').click()
  await page.locator('[data-test=state-label]').getByText('就绪').waitFor()
  const api = await server.api(user.username, user.password)
  assert.equal((await api.get('/agents/me')).body.state, 'ready')
  await page.locator('[data-test=state-break]').click()
  await page.locator('.el-dropdown-menu__item:visible', { hasText: '用餐' }).click()
  await page.locator('[data-test=state-label]').getByText('小休').waitFor()
  await page.locator('.state-reason').getByText('用餐').waitFor()
  const after = (await api.get('/agents/me')).body
  assert.equal(after.state, 'break')
  assert.equal(after.state_reason, 'meal')
  await page.screenshot({ path: screenshotPath('agent-state-break-zh.png'), fullPage: true })
  await page.context().close()
})

test('the open desktop follows a change an administrator makes, through the live event stream', async (t) => {
  const admin = await server.api('admin', server.adminPassword)
  if (!(await admin.get('/openapi.json')).body.paths['/api/v1/events']) return t.skip('this server has no event stream')
  const page = await newPage()
  // The change is made once the page's stream has said hello, so it cannot slip in before.
  const hello = new Promise((resolve) => {
    page.on('websocket', (ws) => {
      if (!ws.url().includes('/api/v1/events')) return
      ws.on('framereceived', (f) => String(f.payload).includes('"type":"hello"') && resolve())
    })
  })
  await signIn(page, AGENT)
  await page.waitForURL(/\/agent$/)
  await page.locator('[data-test=who]').getByText(AGENT.displayName).waitFor()
  const id = (await (await server.api(AGENT.username, AGENT.password)).get('/auth/me')).body.user.id
  await hello
  const changed = await admin.patch(`/users/${id}`, { display_name: '张伟（值班长）' })
  assert.equal(changed.status, 200, JSON.stringify(changed.body))
  await page.locator('[data-test=who]').getByText('张伟（值班长）').waitFor({ timeout: 5000 })
  await admin.patch(`/users/${id}`, { display_name: AGENT.displayName })
  await page.context().close()
})

test('the knowledge base panel searches as the agent types', async (t) => {
  const api = await server.api(AGENT.username, AGENT.password)
  if (!(await api.get('/openapi.json')).body.paths['/api/v1/kb/articles']) return t.skip('this server has no knowledge base')
  const page = await newPage()
  await signIn(page, AGENT)
  await page.waitForURL(/\/agent$/)
  await page.locator('input[data-test=kb-search]').pressSequentially('电费', { delay: 50 })
  const first = page.locator('[data-test=kb-article]').first()
  await first.waitFor()
  assert.equal((await first.locator('mark').first().innerText()).trim(), '电费')
  const title = (await first.locator('.kb-title').innerText()).trim()
  await first.click()
  await page.locator('[data-test=kb-body]').waitFor()
  assert.equal((await page.locator('.el-dialog__title').innerText()).trim(), title)
  await page.context().close()
})

test('pages follow the role: an agent sent to the admin pages lands on the desktop', async () => {
  const page = await newPage()
  await signIn(page, AGENT)
  await page.waitForURL(/\/agent$/)
  await page.goto(`${server.url}/admin/users`)
  await page.waitForURL(/\/agent$/)
  const nav = await page.locator('[data-test=nav]').innerText()
  assert.ok(!nav.includes('班长监控') && !nav.includes('用户管理'), nav)
  await page.context().close()
})

test('switching to English relabels the desktop and the choice survives a reload', async () => {
  const page = await newPage()
  await signIn(page, AGENT)
  await page.waitForURL(/\/agent$/)
  await page.locator('.app-header [data-test=language]').click()
  await page.locator('.el-select-dropdown__item').getByText('English').click()
  await page.getByText('Agent desktop').first().waitFor()
  await page.reload()
  await page.getByText('Customer file (screen pop)').waitFor()
  await page.locator('input[data-test=lookup-input]').fill(caller.phone)
  await page.getByRole('button', { name: 'Look up' }).click()
  await page.locator('[data-test=customer-file]').waitFor()
  await page.getByText('Arrears').first().waitFor()
  assert.equal((await page.locator('[data-test=arrears-total]').innerText()).trim(), yuan(caller.arrearsFen))
  await page.screenshot({ path: screenshotPath('agent-desktop-en.png'), fullPage: true })
  await page.context().close()
})

test('a supervisor lands on the wallboard, in both languages and on the wall display', async () => {
  for (const [language, title, file] of [
    ['zh-CN', '实时监控大屏', 'wallboard-zh.png'],
    ['en-US', 'Live wallboard', 'wallboard-en.png'],
  ]) {
    const page = await newPage(language)
    await signIn(page, SUPERVISOR)
    await page.waitForURL(/\/supervisor$/)
    await page.getByText(title).waitFor()
    // Queue tiles when the server has queue figures, otherwise a plain empty state; the storm
    // indicator lists the demo province's cities.
    await page.locator('[data-test=queue-tile], [data-test=queues-empty]').first().waitFor()
    await page.locator('.storm-city').first().waitFor()
    assert.ok((await page.locator('.storm-city').count()) >= 2)
    await page.screenshot({ path: screenshotPath(file), fullPage: true })
    if (language === 'zh-CN') {
      await page.goto(`${server.url}/supervisor/wall`)
      await page.locator('.wallboard.wall').waitFor()
      await page.locator('.storm-city').first().waitFor()
      await page.screenshot({ path: screenshotPath('wallboard-wall-zh.png'), fullPage: true })
    }
    await page.context().close()
  }
})

test('an administrator creates a user on the users page', async () => {
  const page = await newPage()
  await signIn(page, { username: 'admin', password: server.adminPassword })
  await page.waitForURL(/\/admin\/users$/)
  const table = page.locator('[data-test=users-table]')
  await table.getByText('admin', { exact: true }).waitFor()
  await page.locator('[data-test=user-new]').click()
  const dialog = page.locator('.el-dialog')
  await dialog.getByLabel('用户名').fill('wang.fang')
  await dialog.getByLabel('姓名').fill('王芳')
  await dialog.getByLabel('初始密码').fill('new-user-pass-1')
  await dialog.getByRole('button', { name: '创建' }).click()
  await page.getByText('已创建用户 wang.fang').waitFor()
  // The search finds the new user however many users the list holds.
  await page.getByPlaceholder('按用户名或姓名搜索').fill('王芳')
  await page.getByPlaceholder('按用户名或姓名搜索').press('Enter')
  await page.waitForFunction(() => {
    const rows = document.querySelectorAll('[data-test=users-table] .el-table__row')
    return rows.length === 1 && rows[0].innerText.includes('wang.fang')
  })
  const api = await server.api('wang.fang', 'new-user-pass-1')
  assert.equal((await api.get('/auth/me')).body.user.role, 'agent')
  await page.screenshot({ path: screenshotPath('admin-users-zh.png'), fullPage: true })
  await page.goto(`${server.url}/admin/regions`)
  await page.locator('[data-test=regions-table]').getByText('福州').first().waitFor()
  await page.context().close()
})
