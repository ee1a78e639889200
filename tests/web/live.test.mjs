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
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Server, launchBrowser, screenshotPath, yuan } from './harness.mjs'
import { Telephony, demoPeople, freePort } from './telephony.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const SUPERVISOR = { username: 'zhou.min', password: 'super-pass-9', role: 'supervisor', displayName: '周敏' }

let server
let browser
let tel
let agent // a demo agent (all have the general skill)
let boss // the demo supervisor of the agent's city (extension 8901, a phone to listen with)
let caller // a demo customer with arrears and a phone of their own

before(async () => {
  const sipPort = await freePort()
  // The shipped flow offers no agent at night; this one does at any hour.
  const sipFlow = path.join(here, 'flows/agent-any-hour.yaml')
  server = await Server.start({ customers: 2000, users: [SUPERVISOR], sipPort, sipFlow })
  server.sipPort = sipPort
  browser = await launchBrowser()
  tel = new Telephony(server)
  const people = await demoPeople(server)
  if (people) ({ agent, boss, caller } = people)
})

after(async () => {
  if (tel) tel.close()
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

  const phone = await tel.agentPhone(agent)
  const bossPhone = await tel.supervisorPhone(boss)
  const desk = await newPage()
  await signIn(desk, agent)
  await desk.waitForURL(/\/agent$/)
  await desk.locator('[data-test=state-ready]:not(.is-disabled)').waitFor()
  await desk.locator('[data-test=state-ready]').click()
  await desk.locator('[data-test=state-label]').getByText('就绪').waitFor()
  await desk.locator('[data-test=call-idle]').waitFor()

  const call = tel.sippCaller(caller.phone)
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
    await wall.locator(`[data-test=monitor-listen-${agent.username}]`).click()
    await wall.locator(`[data-test=monitor-mode-${agent.username}]`).getByText('监听中').waitFor()
    for (let i = 0; i < 100 && bossPhone.heard.loud < 10; i++) await new Promise((r) => setTimeout(r, 100))
    assert.ok(bossPhone.heard.loud >= 10, `the supervisor's phone heard ${bossPhone.heard.loud} of ${bossPhone.heard.packets} packets with sound`)
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
    for (const p of [call, phone, bossPhone]) p.stop()
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
