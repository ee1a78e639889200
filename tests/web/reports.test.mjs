// Report pages end to end against a real server (demo data with a week of call history) and
// Chromium: a manager opens the service-level report, the chart draws, drilling from the
// province to a city and on to a county changes the table, the XLSX export downloads a
// workbook, and the agent-performance and work-order reports render (one also in en-US).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { Server, launchBrowser, screenshotPath } from './harness.mjs'

const MANAGER = { username: 'rp.manager', password: 'manager-pass-1', role: 'manager', displayName: '周经理' }

let server
let browser

before(async () => {
  server = await Server.start({ customers: 800, users: [MANAGER] })
  browser = await launchBrowser()
})

after(async () => {
  if (browser) await browser.close()
  if (server) await server.stop()
})

async function signIn(page, user) {
  await page.goto(`${server.url}/login`)
  await page.locator('input[data-test=username]').fill(user.username)
  await page.locator('input[data-test=password]').fill(user.password)
  await page.locator('[data-test=sign-in]').click()
  await page.waitForURL((u) => !u.pathname.startsWith('/login'))
}

// The table's first-column texts (group labels), the totals row last.
async function tableLabels(page) {
  return page.locator('[data-test=report-table] .el-table__body-wrapper tr td:first-child').allInnerTexts()
}

// Today's report as the server sees it (its range starts at local midnight).
async function lastWeek() {
  const api = await server.api(MANAGER.username, MANAGER.password)
  const today = await api.get('/reports/service-level?group_by=day')
  assert.equal(today.status, 200)
  return today.body
}

test('a manager reads the service-level report, drills down and exports', async () => {
  const context = await browser.newContext({ locale: 'zh-CN', acceptDownloads: true, viewport: { width: 1400, height: 1000 } })
  const page = await context.newPage()
  await signIn(page, MANAGER)
  await page.locator('[data-test=nav-reports]').click()
  await page.waitForURL(/\/reports$/)
  await page.locator('[data-test=report-title]').getByText('服务水平报表').waitFor()

  // A week back (the demo history covers the last seven days), as a link to the page would say.
  const week = await lastWeek()
  const today = new Date(Date.parse(week.from) + 8 * 3600000)
  const from = new Date(today.getTime() - 6 * 86400000).toISOString().slice(0, 10)
  await page.goto(`${server.url}/reports?report=service-level&from=${from}&to=${today.toISOString().slice(0, 10)}`)

  // Province row with figures, and a chart canvas drawn.
  await page.locator('[data-test=drill-350000]').waitFor()
  const canvas = page.locator('[data-test=report-chart] canvas')
  await canvas.first().waitFor()
  const box = await canvas.first().boundingBox()
  assert.ok(box && box.width > 200 && box.height > 200, 'chart canvas is drawn')
  const province = await tableLabels(page)
  assert.deepEqual(province, ['福建省', '合计'])

  await page.locator('[data-test=drill-350000]').click()
  await page.locator('[data-test=region-up-all]').waitFor()
  await page.locator('[data-test=drill-350100]').waitFor()
  const cities = await tableLabels(page)
  assert.ok(cities.includes('福州市') && cities.length > 2, `cities: ${cities}`)
  assert.ok(!cities.includes('福建省'))

  await page.locator('[data-test=drill-350100]').click()
  await page.locator('[data-test=region-up-350000]').waitFor()
  await page.waitForFunction(() => !document.querySelector('[data-test=drill-350100]'))
  const counties = await tableLabels(page)
  assert.ok(counties.length > 2 && counties.every((c) => c !== '福州市'), `counties: ${counties}`)
  await page.locator('[data-test=chart-pie]').click()
  await page.screenshot({ path: screenshotPath('reports-service-level-zh.png'), fullPage: true })

  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=export-xlsx]').click()])
  assert.equal(download.suggestedFilename(), 'service-level.xlsx')
  const file = await download.path()
  const bytes = readFileSync(file)
  assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'the download is a zip (XLSX) workbook')
  await context.close()
})

test('agent-performance and work-order reports render, also in English', async () => {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1400, height: 1000 } })
  await context.addInitScript(() => localStorage.setItem('switchyard.language', 'en-US'))
  const page = await context.newPage()
  await signIn(page, MANAGER)
  await page.goto(`${server.url}/reports`)
  await page.locator('[data-test=report-agent-performance]').click()
  await page.locator('[data-test=report-title]').getByText('Agent performance').waitFor()
  await page.locator('[data-test=report-work-orders]').click()
  await page.locator('[data-test=report-title]').getByText('Work orders').waitFor()
  await page.locator('[data-test=report-table]').waitFor()
  await page.locator('[data-test=chart-line]').click()
  await page.screenshot({ path: screenshotPath('reports-work-orders-en.png'), fullPage: true })
  await context.close()
})
