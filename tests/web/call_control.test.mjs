// Call control through the agent desktop on real calls: a demo agent's phone (SIPp) registers,
// the agent signs in and goes ready, a caller (SIPp for the signalling, an RTP endpoint here for
// what they hear and key) dials 95598 and presses 0; the desktop rings. Through the page:
// Answer (this phone refuses to be answered from the network: the page says to pick up on it),
// digits from the keypad reach the caller as RFC 4733 events, the supervisor whispers and barges
// from the agent monitor (their phone hears the call in each mode, the row shows the mode), and
// a blind transfer to another registered extension rings that phone (which answers and later
// hangs up) while the agent's phone gets the BYE and the desktop is free.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Server, launchBrowser, screenshotPath } from './harness.mjs'
import { Telephony, demoPeople, freePort, sipScenario, waitFor } from './telephony.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))

let server
let browser
let tel
let people

before(async () => {
  const sipPort = await freePort()
  // The shipped flow offers no agent at night; this one does at any hour.
  server = await Server.start({ customers: 400, sipPort, sipFlow: path.join(here, 'flows/agent-any-hour.yaml') })
  server.sipPort = sipPort
  browser = await launchBrowser()
  tel = new Telephony(server)
  people = await demoPeople(server)
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

async function signIn(page, user, landing) {
  await page.goto(`${server.url}/login`)
  await page.locator('input[data-test=username]').fill(user.username)
  await page.locator('input[data-test=password]').fill(user.password)
  await page.locator('[data-test=sign-in]').click()
  await page.waitForURL(landing)
}

// The agent's desktop, signed in and ready.
async function readyDesk(agent, language) {
  const desk = await newPage(language)
  await signIn(desk, agent, /\/agent$/)
  await desk.locator('[data-test=state-ready]:not(.is-disabled)').waitFor()
  await desk.locator('[data-test=state-ready]').click()
  await desk.locator('[data-test=call-idle]').waitFor()
  return desk
}

// The caller keys 0 (the menu's "agent") until the desktop rings: the key may fall into the
// welcome prompt, which it cuts short, before the menu that takes it.
async function callUntilRinging(desk, phone) {
  const call = await tel.caller(phone)
  const notice = desk.locator('[data-test=ringing-notice]')
  let ringing = false
  notice.waitFor({ timeout: 60000 }).then(() => (ringing = true), () => {})
  let keyed = 0
  await waitFor(async () => {
    if (!ringing && call.media.peer && Date.now() - keyed > 500) {
      keyed = Date.now()
      await call.media.key('0')
    }
    return ringing
  }, 60000, 'the desktop to ring')
  return call
}

async function callRecord(phone) {
  const admin = await server.api('admin', server.adminPassword)
  let record
  await waitFor(async () => {
    record = (await admin.get(`/calls?from=${encodeURIComponent(phone)}`)).body.items[0]
    return !!(record && record.ended_at)
  }, 15000, 'the call record')
  return record
}

test('through the desktop: answer, keypad digits to the caller, whisper and barge, blind transfer', async (t) => {
  if (!people) return t.skip('this server has no demo agents')
  const { agent, agent2, boss, caller } = people
  assert.ok(caller, 'a demo customer with a phone of their own')

  // A desk phone that refuses the remote answer (489 to NOTIFY Event: talk), picked up 6 s later.
  const phone = await tel.refusingPhone(agent, { ringMs: 6000 })
  // The transfer target: another agent's phone that answers and, a moment later, hangs up.
  const phone2 = await tel.phone(agent2, sipScenario('agent_hangup.xml'))
  const bossPhone = await tel.supervisorPhone(boss)
  const wall = await newPage()
  await signIn(wall, boss, /\/supervisor$/)
  const desk = await readyDesk(agent)

  const call = await callUntilRinging(desk, caller.phone)
  try {
    // This phone cannot be answered from the desktop: the page says where to answer.
    await desk.locator('[data-test=call-answer]').click()
    await desk.locator('.el-message').getByText('请在话机上接听').waitFor()
    await desk.locator('[data-test=call-phase]').getByText('通话中').waitFor({ timeout: 20000 })
    // Greyed out while talking: nothing to resume, no consultation to join.
    assert.equal(await desk.locator('[data-test=call-resume]').count(), 0)
    assert.equal(await desk.locator('[data-test=call-complete]').count(), 0)

    // The keypad: each key reaches the caller as an RFC 4733 event, in order.
    await desk.locator('[data-test=call-keypad]').click()
    for (const k of ['1', '2', '#']) {
      await desk.locator(`[data-test=keypad-${k === '#' ? '\\#' : k}]`).click()
      await desk.locator('[data-test=keypad-sent]').getByText(k === '#' ? '12#' : k === '2' ? '12' : '1').waitFor()
    }
    await waitFor(() => call.media.digits.includes('12#'), 10000, `the digits at the caller (heard "${call.media.digits}")`)
    await desk.locator('[data-test=call-keypad]').click()

    // The caller speaks from now on; the supervisor listens, then whispers, then barges: their
    // phone hears the call in each mode, and the row shows the mode.
    call.media.speak()
    const monitorRow = wall.locator(`[data-test=monitor-actions-${agent.username}]`)
    await wall.locator(`[data-test=monitor-call-${agent.username}]`).getByText('通话中').waitFor()
    for (const [mode, label] of [['listen', '监听中'], ['whisper', '密语中'], ['barge', '强插中']]) {
      const before = bossPhone.media.loud
      await wall.locator(`[data-test=monitor-${mode}-${agent.username}]`).click()
      await monitorRow.locator(`[data-test=monitor-mode-${agent.username}]`).getByText(label).waitFor()
      await waitFor(() => bossPhone.media.loud >= before + 10, 10000, `sound at the supervisor's phone in ${mode}`)
    }
    await wall.screenshot({ path: screenshotPath('wallboard-barge-zh.png'), fullPage: true })

    // Blind transfer to the other extension: that phone rings and answers (its scenario checks
    // the INVITE names the call and the caller), the agent's phone gets the BYE, the desktop is
    // free; the caller stays on until the other phone hangs up.
    await desk.locator('[data-test=call-transfer]').click()
    await desk.locator('input[data-test=target-extension]').fill(agent2.extension)
    await desk.locator('[data-test=target-go]').click()
    await desk.locator('[data-test=call-idle]').waitFor({ timeout: 15000 })
    const agentLeg = await phone.done
    assert.equal(agentLeg.code, 0, `the agent's phone: ${agentLeg.output.slice(-1500)}`)
    const target = await phone2.done
    assert.equal(target.code, 0, `the transfer target's phone: ${target.output.slice(-1500)}`)
    const ended = await call.done
    assert.equal(ended.code, 0, `the caller: ${ended.output.slice(-1500)}`)
    const record = await callRecord(caller.phone)
    assert.equal(record.agent, agent.username)
  } catch (e) {
    console.log(`--- server log (tail)\n${server.stderr.slice(-4000)}`)
    throw e
  } finally {
    for (const p of [call, phone, phone2, bossPhone]) p.stop()
  }
  await desk.context().close()
  await wall.context().close()
})
