// The desktop on live events from a real call: a demo agent's phone (SIPp) registers, the agent
// signs in and goes ready, a SIPp caller (a demo customer with arrears) dials 95598 and presses
// 0; the ACD queues the call and rings the agent's phone, and the desktop rings with the
// caller's name and arrears from the screen pop, the IVR path and the 0 keyed at the menu; the
// supervisor's queue tile shows the caller waiting (queue.stats from the server), then the
// answered call; the supervisor listens in from the agent monitor and their SIPp phone receives
// the call's audio; the agent holds, resumes, mutes and hangs up through the page (the caller
// gets the BYE); the call record names the agent.
// Screenshots of both pages, in both languages.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { createServer } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Server, launchBrowser, screenshotPath, yuan } from './harness.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const SUPERVISOR = { username: 'zhou.min', password: 'super-pass-9', role: 'supervisor', displayName: '周敏' }

let server
let browser
let agent // a demo agent (all have the general skill)
let boss // the demo supervisor of the agent's city (extension 8901, a phone to listen with)
let caller // a demo customer with arrears and a phone of their own

// A port free for both UDP and TCP on 127.0.0.1.
async function freePort() {
  for (let i = 0; i < 50; i++) {
    const udp = createSocket('udp4')
    const port = await new Promise((resolve) => udp.bind(0, '127.0.0.1', () => resolve(udp.address().port)))
    const ok = await new Promise((resolve) => {
      const tcp = createServer()
      tcp.once('error', () => resolve(false))
      tcp.listen(port, '127.0.0.1', () => tcp.close(() => resolve(true)))
    })
    udp.close()
    if (ok) return port
  }
  throw new Error('no free port')
}

before(async () => {
  const sipPort = await freePort()
  // The shipped flow offers no agent at night; this one does at any hour.
  const sipFlow = path.join(here, 'flows/agent-any-hour.yaml')
  server = await Server.start({ customers: 2000, users: [SUPERVISOR], sipPort, sipFlow })
  server.sipPort = sipPort
  browser = await launchBrowser()
  const demo = server.demoOutput.match(/Demo agents agent(\d+)[\s\S]*?sign-in password (\S+)/)
  const sipPassword = server.demoOutput.match(/phone \(SIP\) password (\S+)/)
  if (demo && sipPassword) {
    agent = { username: `agent${demo[1]}`, password: demo[2], extension: demo[1], sipPassword: sipPassword[1] }
    boss = { username: 'supervisor-fuzhou', password: demo[2], extension: '8901', sipPassword: sipPassword[1] }
  }
  if (!agent) return
  // Found as the agent sees customers: a regional agent's screen pop shows their region only.
  const api = await server.api(agent.username, agent.password)
  const found = await api.get('/customers?has_arrears=true&page_size=50')
  for (const c of found.body.items) {
    const file = await api.get(`/customers/${c.id}`)
    for (const p of file.body.phones || []) {
      const pop = await api.get(`/customers/lookup?phone=${encodeURIComponent(p.phone)}`)
      if (!caller && pop.status === 200 && pop.body.count === 1 && /^\d{5,20}$/.test(p.phone)) {
        caller = { phone: p.phone, name: c.name, arrearsFen: pop.body.matches[0].arrears_total_fen }
      }
    }
    if (caller) break
  }
})

after(async () => {
  if (browser) await browser.close()
  if (server) await server.stop()
})

async function newPage(language) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' })
  const page = await context.newPage()
  page.setDefaultTimeout(20000)
  if (language) await page.addInitScript((l) => localStorage.setItem('switchyard.language', l), language)
  return page
}

async function signIn(page, user) {
  await page.goto(`${server.url}/login`)
  await page.locator('input[data-test=username]').fill(user.username)
  await page.locator('input[data-test=password]').fill(user.password)
  await page.locator('[data-test=sign-in]').click()
}

// The general queue's tile (its display name comes from the queue list).
async function generalTile(page) {
  const api = await server.api(SUPERVISOR.username, SUPERVISOR.password)
  const queues = (await api.get('/queues?page_size=200')).body.items
  const general = queues.find((q) => q.name === 'general')
  return page.locator('[data-test=queue-tile]', { hasText: general.display_name || general.name })
}

function tileFigure(tile, n) {
  return tile.locator('.tile-figure .figure-value').nth(n)
}

function sipp(args) {
  const proc = spawn('sipp', args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  proc.stdout.on('data', (d) => (output += d))
  proc.stderr.on('data', (d) => (output += d))
  proc.done = new Promise((resolve) => proc.on('exit', (code) => resolve({ code, output })))
  return proc
}

const rtpPort = () => String(20000 + Math.floor(Math.random() * 5000) * 2)
const sipScenario = (name) => path.join(here, '../sip/scenarios', name)

function sippCall(phone) {
  return sipp([`127.0.0.1:${server.sipPort}`, '-sf', path.join(here, 'scenarios/wait_for_agent.xml'),
    '-s', '95598', '-key', 'caller', phone, '-i', '127.0.0.1', '-p', '0', '-mp', rtpPort(),
    '-m', '1', '-l', '1', '-nostdin', '-timeout', '120s', '-timeout_error'])
}

async function register(who, port) {
  const reg = await sipp([`127.0.0.1:${server.sipPort}`, '-sf', sipScenario('agent_register.xml'), '-i', '127.0.0.1',
    '-m', '1', '-nostdin', '-timeout', '20s', '-timeout_error', '-key', 'ext', who.extension,
    '-key', 'contact_port', String(port), '-key', 'expires', '300', '-au', who.extension, '-ap', who.sipPassword]).done
  assert.equal(reg.code, 0, `the phone of ${who.username} could not register:\n${reg.output.slice(-1500)}`)
}

// The agent's phone: rings 8 s, answers, speaks (SIPp's g711a.pcap), waits for the hang-up.
async function agentPhone() {
  const port = await freePort()
  const phone = sipp(['-sf', sipScenario('agent_phone_answer.xml'), '-i', '127.0.0.1', '-p', String(port),
    '-mp', rtpPort(), '-m', '1', '-d', '8000', '-nostdin', '-timeout', '150s', '-timeout_error'])
  await register(agent, port)
  return phone
}

// The supervisor's phone: answers at once; its media goes to a socket here that counts RTP
// packets and those carrying sound (A-law silence is 0xd5/0x55).
async function supervisorPhone() {
  const port = await freePort()
  const media = createSocket('udp4')
  const heard = { packets: 0, loud: 0 }
  media.on('message', (m) => {
    if (m.length < 13 || m[0] >> 6 !== 2 || (m[1] & 0x7f) !== 8) return
    heard.packets++
    for (let i = 12; i < m.length; i++) {
      if (m[i] !== 0xd5 && m[i] !== 0x55 && m[i] !== 0xd4 && m[i] !== 0x54) {
        heard.loud++
        break
      }
    }
  })
  const rtp = await new Promise((resolve) => media.bind(0, '127.0.0.1', () => resolve(media.address().port)))
  const phone = sipp(['-sf', path.join(here, 'scenarios/supervisor_phone.xml'), '-i', '127.0.0.1', '-p', String(port),
    '-key', 'rtp_port', String(rtp), '-m', '1', '-d', '300', '-nostdin', '-timeout', '150s'])
  await register(boss, port)
  phone.media = media
  phone.heard = heard
  return phone
}

test('a real call rings the ready agent with the caller\'s file, and the supervisor\'s tile follows it', async (t) => {
  if (!agent) return t.skip('this server has no demo agents')
  assert.ok(caller, 'a demo customer with arrears and a phone of their own')
  assert.ok(caller.arrearsFen > 0)

  const wall = await newPage()
  await signIn(wall, boss)
  await wall.waitForURL(/\/supervisor$/)
  const tile = await generalTile(wall)
  // The server's queue.stats arrive within seconds: nobody waiting yet.
  await tileFigure(tile, 0).getByText('0', { exact: true }).waitFor({ timeout: 15000 })

  const phone = await agentPhone()
  const bossPhone = await supervisorPhone()
  const desk = await newPage()
  await signIn(desk, agent)
  await desk.waitForURL(/\/agent$/)
  await desk.locator('[data-test=state-ready]:not(.is-disabled)').waitFor()
  await desk.locator('[data-test=state-ready]').click()
  await desk.locator('[data-test=state-label]').getByText('就绪').waitFor()
  await desk.locator('[data-test=call-idle]').waitFor()

  const call = sippCall(caller.phone)
  try {
    // The ACD offers the call: the desktop rings with the caller's number, name and arrears.
    const notice = desk.locator('[data-test=ringing-notice]')
    await notice.waitFor({ timeout: 60000 })
    assert.equal((await desk.locator('[data-test=ringing-caller]').innerText()).trim(), caller.phone)
    await desk.locator('[data-test=ringing-name]').getByText(caller.name).waitFor()
    assert.equal((await desk.locator('[data-test=ringing-arrears]').innerText()).trim(), yuan(caller.arrearsFen))
    // The IVR path the caller took and the digit they keyed at the menu are on the call card.
    assert.match(await desk.locator('[data-test=call-ivr]').innerText(), /welcome → identify → menu → agent/)
    assert.match(await desk.locator('[data-test=call-digits]').innerText(), /menu:\s*0/)
    await desk.locator('[data-test=customer-name]').getByText(caller.name).waitFor()
    await desk.screenshot({ path: screenshotPath('agent-desktop-ringing-zh.png'), fullPage: true })

    // The supervisor sees the caller waiting on the general queue's tile while the phone rings.
    await tileFigure(tile, 0).getByText('1', { exact: true }).waitFor({ timeout: 8000 })
    assert.notEqual((await tileFigure(tile, 1).innerText()).trim(), '—')
    await wall.screenshot({ path: screenshotPath('wallboard-waiting-zh.png'), fullPage: true })

    // The phone answers: the desktop shows the call in progress, the tile the answered call.
    await desk.locator('[data-test=call-phase]').getByText('通话中').waitFor({ timeout: 20000 })
    await tileFigure(tile, 0).getByText('0', { exact: true }).waitFor({ timeout: 15000 })
    await tile.locator('.tile-row').first().getByText(/接通 1/).waitFor({ timeout: 15000 })
    await desk.screenshot({ path: screenshotPath('agent-desktop-talking-zh.png'), fullPage: true })

    // The supervisor listens in from the agent monitor: their phone rings, answers and hears
    // the call (the agent's phone speaks for 7 s after answering).
    await wall.locator(`[data-test=monitor-call-${agent.username}]`).getByText('通话中').waitFor()
    const row = wall.locator(`[data-test=monitor-actions-${agent.username}]`)
    await row.getByText('监听').click()
    for (let i = 0; i < 100 && bossPhone.heard.loud < 10; i++) await new Promise((r) => setTimeout(r, 100))
    assert.ok(bossPhone.heard.loud >= 10, `the supervisor's phone heard ${JSON.stringify(bossPhone.heard)}`)
    await wall.screenshot({ path: screenshotPath('wallboard-listening-zh.png'), fullPage: true })

    // Call control on the real call through the page: hold and resume, mute and unmute.
    await desk.locator('[data-test=call-hold]').click()
    await desk.locator('[data-test=call-phase]').getByText('保持中').waitFor()
    await desk.locator('[data-test=call-resume]').click()
    await desk.locator('[data-test=call-phase]').getByText('通话中').waitFor()
    await desk.locator('[data-test=call-mute]').click()
    await desk.locator('[data-test=call-head]').getByText('已静音').waitFor()
    await desk.locator('[data-test=call-unmute]').click()
    await desk.locator('[data-test=call-mute]').waitFor()

    // The agent hangs up on the page: the caller gets the BYE, the desktop is free again, and
    // the call record names the agent.
    await desk.locator('[data-test=call-hangup]').click()
    await desk.locator('[data-test=call-idle]').waitFor({ timeout: 15000 })
    const ended = await call.done
    assert.equal(ended.code, 0, ended.output.slice(-2000))
    const admin = await server.api('admin', server.adminPassword)
    let record
    for (let i = 0; i < 50 && !(record && record.ended_at); i++) {
      record = (await admin.get(`/calls?from=${encodeURIComponent(caller.phone)}`)).body.items[0]
      if (!(record && record.ended_at)) await new Promise((r) => setTimeout(r, 200))
    }
    assert.equal(record.agent, agent.username)
    assert.equal(record.end_reason, 'agent_hangup')
  } catch (e) {
    console.log(`--- server log (tail)\n${server.stderr.slice(-4000)}`)
    throw e
  } finally {
    for (const p of [call, phone, bossPhone]) if (p.exitCode === null) p.kill('SIGTERM')
    bossPhone.media.close()
  }
  await desk.context().close()
  await wall.context().close()
})

test('the agent desktop and the wallboard in English', async (t) => {
  if (!agent) return t.skip('this server has no demo agents')
  const desk = await newPage('en-US')
  await signIn(desk, agent)
  await desk.waitForURL(/\/agent$/)
  await desk.locator('[data-test=call-panel]').getByText('No call').waitFor()
  await desk.locator('[data-test=today-figures]').getByText('Calls answered').waitFor()
  await desk.screenshot({ path: screenshotPath('agent-desktop-en.png'), fullPage: true })
  await desk.context().close()

  const wall = await newPage('en-US')
  await signIn(wall, SUPERVISOR)
  await wall.waitForURL(/\/supervisor$/)
  const tile = await generalTile(wall)
  await tile.getByText('Waiting').first().waitFor()
  await tileFigure(tile, 0).getByText(/^\d+$/).waitFor({ timeout: 15000 })
  await wall.locator('[data-test=agent-monitor]').getByText('Sign out').first().waitFor()
  await wall.screenshot({ path: screenshotPath('wallboard-en.png'), fullPage: true })

  // Thresholds live on the server: the supervisor sets the general queue's, another wall display
  // (a new browser) shows the same.
  const api = await server.api(SUPERVISOR.username, SUPERVISOR.password)
  const general = (await api.get('/queues?page_size=200')).body.items.find((q) => q.name === 'general')
  const pickGeneral = async (page) => {
    await page.locator('[data-test=thresholds-open]').click()
    await page.locator('[data-test=thresholds-queue]').click()
    await page.getByRole('option', { name: general.display_name || general.name, exact: true }).click()
  }
  await pickGeneral(wall)
  await wall.locator('[data-test=threshold-waiting] input').fill('7')
  await wall.locator('[data-test=thresholds-save]').click()
  await waitFor(async () => (await api.get(`/queues/${general.id}/thresholds`)).body.waiting === 7)
  await wall.context().close()
  const other = await newPage('en-US')
  await signIn(other, SUPERVISOR)
  await other.waitForURL(/\/supervisor$/)
  await (await generalTile(other)).waitFor()
  await pickGeneral(other)
  await waitFor(async () => (await other.locator('[data-test=threshold-waiting] input').inputValue()) === '7')
  await other.context().close()
})

async function waitFor(check, ms = 10000) {
  const until = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 200))
  }
}
