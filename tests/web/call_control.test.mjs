// Call control through the agent desktop on real calls: demo agents' phones (SIPp) register,
// the agent signs in and goes ready, a caller (SIPp for the signalling, an RTP endpoint here for
// what they hear and key) dials 95598 and presses 0; the desktop rings. Through the page:
// - Answer: the desk phone picks up and the caller hears the agent; keypad digits reach the caller as RFC 4733 events, the supervisor listens, whispers
//   and barges from the agent monitor (their phone hears the call in each mode, the row shows
//   the mode), a blind transfer to another registered extension rings that phone (which answers
//   and later hangs up) while the agent's phone gets the BYE and the desktop is free;
// - consultation: the consulted phone rings (shown, joining not possible yet), answers (shown),
//   Retrieve returns to the caller; consult again, three-way conference, complete the transfer
//   (the agent's phone gets the BYE, the caller stays on). The consulted extension's agent,
//   signed in on a second desktop, sees the consultation ring with the caller's name, then the
//   call as their own after the transfer, and hangs up from the page: the caller gets the BYE
//   and the call record is ended;
// - back to the IVR (in English): Answer on a phone that cannot be answered from the network
//   says to pick up on the phone; the call's return points are listed with their English labels,
//   the caller sent to the satisfaction survey presses 1; the call record's IVR path has the
//   survey and its answers the 1.
// Screenshots: wallboard while barging, the desktop consulting and in conference.
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

  // A desk phone the desktop can answer (NOTIFY Event: talk): it rings until asked.
  const phone = await tel.talkPhone(agent)
  // The transfer target: another agent's phone that answers and, a moment later, hangs up.
  const phone2 = await tel.phone(agent2, sipScenario('agent_hangup.xml'))
  const bossPhone = await tel.supervisorPhone(boss)
  const wall = await newPage()
  await signIn(wall, boss, /\/supervisor$/)
  const desk = await readyDesk(agent)

  const call = await callUntilRinging(desk, caller.phone)
  try {
    // Answer on the page: the phone picks up, the caller hears the agent speak.
    await desk.locator('[data-test=call-answer]').click()
    await desk.locator('[data-test=call-phase]').getByText('通话中').waitFor({ timeout: 20000 })
    const heard = call.media.loud
    await waitFor(() => call.media.loud >= heard + 25, 10000, 'the agent\'s voice at the caller')
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

test('through the desktop: consult (ringing, answered), retrieve, consult again, conference, complete the transfer; the consulted agent takes the call over', async (t) => {
  if (!people) return t.skip('this server has no demo agents')
  const { agent, agent2, caller } = people

  const phone = await tel.agentPhone(agent, { ringMs: 1000 })
  // The consulted extension: rings 4 s, answers, speaks, waits for the BYE; twice.
  const phone2 = await tel.phone(agent2, sipScenario('agent_phone_answer.xml'), { ringMs: 4000, calls: 2 })
  const desk = await readyDesk(agent)
  const call = await callUntilRinging(desk, caller.phone)
  let desk2 = null
  const phase = desk.locator('[data-test=call-phase]')
  const consultState = desk.locator('[data-test=call-consult-state]')
  const consult = async () => {
    await desk.locator('[data-test=call-consult]').click()
    await desk.locator('input[data-test=target-extension]').fill(agent2.extension)
    await desk.locator('[data-test=target-go]').click()
    await phase.getByText('咨询中').waitFor()
  }
  try {
    await phase.getByText('通话中').waitFor({ timeout: 20000 })
    const callId = await desk.locator('[data-test=call-panel]').getAttribute('data-call-id')
    assert.ok(callId, 'the desktop names the call')
    // The consulted extension's agent is at their desktop too (ready once the caller is with
    // the first agent, so the call is not offered to them).
    desk2 = await readyDesk(agent2)
    const notice2 = desk2.locator('[data-test=ringing-notice]')
    const phase2 = desk2.locator('[data-test=call-phase]')
    // The consulted phone rings: the caller is held, joining them is not possible yet.
    await consult()
    await consultState.getByText(`正在咨询 ${agent2.extension} · 对方振铃中`).waitFor()
    // The consulted desktop rings too: who consults, the caller's file.
    await notice2.locator('[data-test=ringing-consult]').getByText(`同事 ${agent.extension} 咨询来电`).waitFor()
    // The caller's file pops where the second agent may see that customer (their data scope);
    // elsewhere the notice names the caller's number and the pop says no customer is found.
    const api2 = await server.api(agent2.username, agent2.password)
    const pop2 = await api2.get(`/customers/lookup?phone=${encodeURIComponent(caller.phone)}`)
    if (pop2.status === 200 && pop2.body.count === 1) {
      await desk2.locator('[data-test=call-panel]').getByText(caller.name).first().waitFor()
    } else {
      await notice2.locator('[data-test=ringing-caller]').getByText(caller.phone).waitFor()
      await desk2.getByText(`未找到电话号码 ${caller.phone} 对应的客户`).waitFor()
    }
    assert.equal(await desk2.locator('[data-test=call-answer]').count(), 0, 'a consultation is answered on the phone')
    assert.ok(await desk.locator('[data-test=call-conference]').isDisabled(), 'conference while the target rings')
    assert.ok(await desk.locator('[data-test=call-hold]').isDisabled(), 'hold while consulting')
    await consultState.getByText('对方已接听').waitFor({ timeout: 15000 })
    await desk.screenshot({ path: screenshotPath('agent-desktop-consulting-zh.png'), fullPage: true })
    // The consulted agent talks with the first one: only hanging up applies.
    await phase2.getByText('被咨询中').waitFor()
    assert.equal(await desk2.locator('[data-test=call-hold]').count(), 0, 'no hold for the consulted agent')
    assert.equal(await desk2.locator('[data-test=call-complete]').count(), 0, 'no transfer for the consulted agent')
    // Retrieve: back to the caller; the consulted desktop is free again.
    await desk.locator('[data-test=call-retrieve]').click()
    await phase.getByText('通话中').waitFor()
    await consultState.waitFor({ state: 'detached' })
    await desk2.locator('[data-test=call-idle]').waitFor()

    // Again, then all three talk, then the agent leaves the caller with the other extension.
    await consult()
    await consultState.getByText('对方已接听').waitFor({ timeout: 15000 })
    await desk.locator('[data-test=call-conference]').click()
    await phase.getByText('三方会议').waitFor()
    await desk.locator('[data-test=call-conference-with]').getByText(agent2.extension).waitFor()
    await desk.screenshot({ path: screenshotPath('agent-desktop-conference-zh.png'), fullPage: true })
    await phase2.getByText('被咨询中').waitFor()
    await desk.locator('[data-test=call-complete]').click()
    await desk.locator('[data-test=call-idle]').waitFor({ timeout: 15000 })
    const agentLeg = await phone.done
    assert.equal(agentLeg.code, 0, `the agent's phone: ${agentLeg.output.slice(-1500)}`)
    assert.equal(call.exitCode, null, 'the caller is still on the line')

    // The call is the second agent's now: full controls, and they hang up from the page.
    await phase2.getByText('通话中').waitFor({ timeout: 15000 })
    assert.equal(await desk2.locator('[data-test=call-panel]').getAttribute('data-call-id'), callId)
    await desk2.locator('[data-test=call-hold]:not(.is-disabled)').waitFor()
    await desk2.locator('[data-test=call-hangup]').click()
    await desk2.locator('[data-test=call-idle]').waitFor({ timeout: 15000 })
    const ended = await call.done
    assert.equal(ended.code, 0, `the caller: ${ended.output.slice(-1500)}`)
    const consulted = await phone2.done
    assert.equal(consulted.code, 0, `the consulted phone: ${consulted.output.slice(-1500)}`)
    const admin = await server.api('admin', server.adminPassword)
    let record
    await waitFor(async () => {
      record = (await admin.get(`/calls/${encodeURIComponent(callId)}`)).body
      return !!(record && record.ended_at)
    }, 15000, 'the call ended in its record')
    // The second agent leaves, so the next calls go to the first one.
    await desk2.locator('[data-test=state-offline]').click()
    await desk2.locator('[data-test=state-label]').getByText('离线').waitFor()
  } catch (e) {
    console.log(`--- server log (tail)\n${server.stderr.slice(-4000)}`)
    throw e
  } finally {
    for (const p of [call, phone, phone2]) p.stop()
  }
  await desk.context().close()
  if (desk2) await desk2.context().close()
})

test('back to the IVR from the desktop (English): the caller answers the satisfaction survey', async (t) => {
  if (!people) return t.skip('this server has no demo agents')
  const { agent, caller } = people

  // A desk phone that refuses to be answered from the network (489 to NOTIFY Event: talk).
  const phone = await tel.refusingPhone(agent, { ringMs: 500 })
  const desk = await readyDesk(agent, 'en-US')
  const call = await callUntilRinging(desk, caller.phone)
  try {
    // Answer on the page: the phone refuses, the page says to pick up on the phone, which the
    // agent does.
    await desk.locator('[data-test=call-answer]').click()
    await desk.locator('.el-message').getByText('Pick up on your phone').waitFor()
    await desk.locator('[data-test=call-phase]').getByText('Talking').waitFor({ timeout: 20000 })
    const callId = await desk.locator('[data-test=call-panel]').getAttribute('data-call-id')
    assert.ok(callId)
    // The dialog lists the flow's return points, labelled in English.
    await desk.locator('[data-test=call-ivr-button]').click()
    await desk.locator('[data-test=ivr-point-agent_pin]').getByText('PIN check').waitFor()
    await desk.locator('[data-test=ivr-point-satisfaction_survey]').getByText('Satisfaction survey').click()
    await desk.locator('[data-test=ivr-go]').click()
    await desk.locator('[data-test=call-idle]').waitFor({ timeout: 15000 })
    // The agent's phone is released; the caller hears the survey and presses 1 (keyed again
    // until the flow thanks them and hangs up, in case the first key came before the question).
    const agentLeg = await phone.done
    assert.equal(agentLeg.code, 0, `the agent's phone: ${agentLeg.output.slice(-1500)}`)
    let keyed = 0
    await waitFor(async () => {
      if (call.exitCode !== null) return true
      if (Date.now() - keyed > 1500) {
        keyed = Date.now()
        await call.media.key('1')
      }
      return false
    }, 30000, 'the survey to end the call')
    const ended = await call.done
    assert.equal(ended.code, 0, `the caller: ${ended.output.slice(-1500)}`)
    const admin = await server.api('admin', server.adminPassword)
    let record
    await waitFor(async () => {
      record = (await admin.get(`/calls/${encodeURIComponent(callId)}`)).body
      return !!(record && record.ended_at)
    }, 15000, 'the call record')
    assert.match(String(record.ivr_path), /satisfaction_survey/)
    const answer = (record.survey_answers || []).find((a) => a.question === 'satisfaction')
    assert.ok(answer, `survey answers: ${JSON.stringify(record.survey_answers)}`)
    assert.equal(String(answer.answer), '1')
    assert.equal(record.agent, agent.username)
  } catch (e) {
    console.log(`--- server log (tail)\n${server.stderr.slice(-4000)}`)
    throw e
  } finally {
    for (const p of [call, phone]) p.stop()
  }
  await desk.context().close()
})
