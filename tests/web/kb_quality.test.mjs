// The knowledge base on the agent desktop (search as you type with highlighted Chinese results,
// suggestions from the caller's IVR path) and quality scoring of a recorded call by a
// supervisor, against a real server and Chromium. The answered call and its recording are
// written into the database before the server starts, as telephony would have written them.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { Server, launchBrowser, screenshotPath } from './harness.mjs'

const AGENT = { username: 'wang.fang', password: 'agent-pass-2', role: 'agent', displayName: '王芳', extension: '7101' }
const SUPERVISOR = { username: 'chen.jing', password: 'super-pass-2', role: 'supervisor', displayName: '陈静' }
const CALL_ID = 'qa-call-0001'

let server
let browser

function sql(dir, statement) {
  const r = spawnSync('sqlite3', [path.join(dir, 'switchyard.db'), statement], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`sqlite3: ${r.stderr}`)
  return r.stdout.trim()
}

// One second of a 440 Hz tone, 8 kHz 16-bit mono WAV.
function toneWav(file) {
  const rate = 8000
  const samples = rate
  const buf = Buffer.alloc(44 + samples * 2)
  buf.write('RIFF', 0)
  buf.writeUInt32LE(36 + samples * 2, 4)
  buf.write('WAVEfmt ', 8)
  buf.writeUInt32LE(16, 16)
  buf.writeUInt16LE(1, 20)
  buf.writeUInt16LE(1, 22)
  buf.writeUInt32LE(rate, 24)
  buf.writeUInt32LE(rate * 2, 28)
  buf.writeUInt16LE(2, 32)
  buf.writeUInt16LE(16, 34)
  buf.write('data', 36)
  buf.writeUInt32LE(samples * 2, 40)
  for (let i = 0; i < samples; ++i) buf.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), 44 + i * 2)
  writeFileSync(file, buf)
}

// An answered call of the demo agent with extension 7101's first colleague, with a recording.
function seedCall(dir) {
  const agentId = sql(dir, 'SELECT id FROM agents ORDER BY id LIMIT 1')
  assert.ok(agentId, 'the demo data has agents')
  const now = Date.now()
  const wav = path.join(dir, 'qa-call-0001.wav')
  toneWav(wav)
  sql(dir, `INSERT INTO calls (id, direction, from_number, to_number, started_at, answered_at, ended_at, end_reason, ivr_path, queue_name, wait_s, agent_id, recording_id)
            VALUES ('${CALL_ID}', 'inbound', '13905910001', '95598', ${now - 600000}, ${now - 560000}, ${now - 300000}, 'caller_hangup',
                    '["welcome","menu","bill_account","bill_pin","bill_with_arrears","agent"]', 'general', 40, ${agentId}, 'qa-rec-0001')`)
  sql(dir, `INSERT INTO recordings (id, call_id, path, format, duration_ms, size_bytes, created_at)
            VALUES ('qa-rec-0001', '${CALL_ID}', '${wav}', 'wav', 1000, 16044, ${now - 300000})`)
}

before(async () => {
  server = await Server.start({ customers: 500, users: [AGENT, SUPERVISOR], seed: seedCall })
  browser = await launchBrowser()
})

after(async () => {
  if (browser) await browser.close()
  if (server) await server.stop()
})

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' })
  const page = await context.newPage()
  page.setDefaultTimeout(20000)
  return page
}

async function signIn(page, user) {
  await page.goto(`${server.url}/login`)
  await page.locator('input[data-test=username]').fill(user.username)
  await page.locator('input[data-test=password]').fill(user.password)
  await page.locator('[data-test=sign-in]').click()
}

test('the KB panel finds Chinese words as the agent types and highlights them', async () => {
  const page = await newPage()
  await signIn(page, AGENT)
  await page.waitForURL(/\/agent$/)
  await page.locator('input[data-test=kb-search]').pressSequentially('过户需要什么材料', { delay: 40 })
  const first = page.locator('[data-test=kb-article]').first()
  await first.locator('.kb-title mark').first().waitFor()
  const title = (await first.locator('.kb-title').innerText()).trim()
  assert.match(title, /过户/)
  const marks = await page.locator('[data-test=kb-article] mark').allInnerTexts()
  assert.ok(marks.some((m) => m.includes('过户')), marks.join(','))
  assert.ok(marks.some((m) => m.includes('材料')), marks.join(','))
  await page.screenshot({ path: screenshotPath('kb-search-as-you-type.png') })
  await page.context().close()
})

test('a caller from the bill/arrears branch brings arrears and payment articles to the panel', async () => {
  const page = await newPage()
  await signIn(page, AGENT)
  await page.waitForURL(/\/agent$/)
  await page.goto(`${server.url}/agent?ivr_path=welcome,menu,bill_account,bill_pin,bill_with_arrears&queue=general`)
  const suggested = page.locator('[data-test=kb-suggestion]')
  await suggested.first().waitFor()
  const titles = (await suggested.locator('.kb-title').allInnerTexts()).map((s) => s.trim())
  assert.ok(titles.length >= 3, titles.join(','))
  assert.ok(titles.some((s) => s.includes('欠费')), titles.join(','))
  assert.ok(titles.some((s) => s.includes('缴')), titles.join(','))
  await page.screenshot({ path: screenshotPath('kb-suggestions-ivr-path.png') })
  // Typing replaces the suggestions with search results.
  await page.locator('input[data-test=kb-search]').pressSequentially('复电', { delay: 40 })
  await page.locator('[data-test=kb-article] mark').first().waitFor()
  assert.equal(await page.locator('[data-test=kb-suggestions]').count(), 0)
  await page.context().close()
})

test('a supervisor listens to a recorded call and scores the agent', async () => {
  const page = await newPage()
  await signIn(page, SUPERVISOR)
  await page.waitForURL(/\/supervisor/)
  await page.locator('[data-test=nav-quality]').click()
  await page.waitForURL(/\/quality$/)
  // A scoring form with the usual items.
  await page.locator('[data-test=quality-new-form]').click()
  await page.locator('input[data-test=quality-form-name]').fill('热线服务质检表')
  await page.locator('[data-test=quality-form-save]').click()
  await page.locator(`[data-test=quality-call-${CALL_ID}]`).click()
  const audio = page.locator('audio[data-test=quality-audio]')
  await audio.waitFor()
  const src = await audio.getAttribute('src')
  const played = await page.evaluate(async (u) => {
    const r = await fetch(u)
    return { status: r.status, type: r.headers.get('Content-Type'), bytes: (await r.arrayBuffer()).byteLength }
  }, src)
  assert.deepEqual(played, { status: 200, type: 'audio/wav', bytes: 16044 })
  // Full marks are preset; take two points off 业务准确 (weight 2) and one off 结束语.
  await page.locator('[data-test=quality-points-业务准确] input').fill('18')
  await page.locator('[data-test=quality-points-结束语] input').fill('4')
  await page.locator('textarea[data-test=quality-comment]').fill('业务解释准确，结束语不完整')
  await page.locator('textarea[data-test=quality-comment]').click()
  await page.locator('[data-test=quality-total]').getByText('60 / 65').waitFor()
  await page.locator('[data-test=quality-submit]').click()
  await page.locator('[data-test=quality-score-total]').getByText('60 / 65').waitFor()
  await page.screenshot({ path: screenshotPath('quality-scoring.png') })
  const api = await server.api(SUPERVISOR.username, SUPERVISOR.password)
  const scores = await api.get(`/quality/scores?call=${CALL_ID}`)
  assert.equal(scores.status, 200)
  assert.equal(scores.body.items.length, 1)
  assert.equal(scores.body.items[0].total, 60)
  assert.equal(scores.body.items[0].comment, '业务解释准确，结束语不完整')
  await page.context().close()
})
