// Real telephony around a page-test server: SIPp phones that register with demo extensions,
// SIPp callers, and RTP endpoints here in Node that hear what the server sends (sound, RFC 4733
// digits) and speak or key digits into the call. Shared by the page tests that work on live calls.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { createServer } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
export const webScenario = (name) => path.join(here, 'scenarios', name)
export const sipScenario = (name) => path.join(here, '../sip/scenarios', name)

// A port free for both UDP and TCP on 127.0.0.1.
export async function freePort() {
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

export function sipp(args) {
  const proc = spawn('sipp', args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  proc.stdout.on('data', (d) => (output += d))
  proc.stderr.on('data', (d) => (output += d))
  proc.done = new Promise((resolve) => proc.on('exit', (code) => resolve({ code, output })))
  proc.stop = () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM')
  }
  return proc
}

export const rtpPort = () => String(20000 + Math.floor(Math.random() * 5000) * 2)

export async function waitFor(check, ms = 15000, what = 'condition') {
  const until = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

// The demo people a call test needs, from `switchyard demo-data`'s output: the first demo agent
// (and the second, another extension to transfer to), the supervisor of Fuzhou (extension 8901)
// and a demo customer with arrears, visible to the agent, whose phone is theirs alone.
export async function demoPeople(server) {
  const demo = server.demoOutput.match(/Demo agents agent(\d+)[\s\S]*?sign-in password (\S+)/)
  const sipPassword = server.demoOutput.match(/phone \(SIP\) password (\S+)/)
  if (!demo || !sipPassword) return null
  const first = Number(demo[1])
  const person = (username, extension) => ({ username, password: demo[2], extension: String(extension), sipPassword: sipPassword[1] })
  const people = {
    agent: person(`agent${first}`, first),
    agent2: person(`agent${first + 1}`, first + 1),
    boss: person('supervisor-fuzhou', 8901),
  }
  const api = await server.api(people.agent.username, people.agent.password)
  const found = await api.get('/customers?has_arrears=true&page_size=50')
  for (const c of found.body.items) {
    const file = await api.get(`/customers/${c.id}`)
    for (const p of file.body.phones || []) {
      const pop = await api.get(`/customers/lookup?phone=${encodeURIComponent(p.phone)}`)
      if (!people.caller && pop.status === 200 && pop.body.count === 1 && /^\d{5,20}$/.test(p.phone)) {
        people.caller = { phone: p.phone, name: c.name, arrearsFen: pop.body.matches[0].arrears_total_fen }
      }
    }
    if (people.caller) break
  }
  return people
}

// A-law encoding of one 16-bit sample (ITU-T G.711).
function alaw(sample) {
  let s = Math.max(-32768, Math.min(32767, sample))
  const sign = s >= 0 ? 0x80 : 0
  if (s < 0) s = -s - 1
  let exp = 7
  for (let mask = 0x4000; (s & mask) === 0 && exp > 0; mask >>= 1) exp--
  const mant = exp === 0 ? (s >> 4) & 0x0f : (s >> (exp + 3)) & 0x0f
  return ((sign | (exp << 4) | mant) ^ 0x55) & 0xff
}
const SILENT = new Set([0xd5, 0x55, 0xd4, 0x54])
const EVENTS = '0123456789*#ABCD'

// A media endpoint in Node: counts the A-law packets it gets and those carrying sound, collects
// the RFC 4733 digits sent to it, and can speak (a 440 Hz tone) or key digits back to whoever
// sends to it (the server latches onto the address it hears from).
export class RtpEnd {
  static async open() {
    const e = new RtpEnd()
    e.socket = createSocket('udp4')
    e.port = await new Promise((resolve) => e.socket.bind(0, '127.0.0.1', () => resolve(e.socket.address().port)))
    e.socket.on('message', (m, rinfo) => e.#receive(m, rinfo))
    return e
  }

  packets = 0
  loud = 0
  digits = ''
  peer = null
  #events = new Set()
  #seq = Math.floor(Math.random() * 30000)
  #ts = Math.floor(Math.random() * 1e6)
  #ssrc = Math.floor(Math.random() * 0xffffffff)
  #speaker = null
  #keying = false

  #receive(m, rinfo) {
    if (m.length < 12 || m[0] >> 6 !== 2) return
    this.peer = { address: rinfo.address, port: rinfo.port }
    const pt = m[1] & 0x7f
    if (pt === 8) {
      this.packets++
      for (let i = 12; i < m.length; i++) {
        if (!SILENT.has(m[i])) {
          this.loud++
          break
        }
      }
    } else if (pt === 101 && m.length >= 16) {
      // One key press is one event (one timestamp), repeated and ended with the E bit.
      const ts = m.readUInt32BE(4)
      if (!this.#events.has(ts) && m[12] < EVENTS.length) {
        this.#events.add(ts)
        this.digits += EVENTS[m[12]]
      }
    }
  }

  #send(pt, payload, marker, ts) {
    if (!this.peer) return
    const h = Buffer.alloc(12)
    h[0] = 0x80
    h[1] = (marker ? 0x80 : 0) | pt
    h.writeUInt16BE(this.#seq, 2)
    this.#seq = (this.#seq + 1) & 0xffff
    h.writeUInt32BE(ts >>> 0, 4)
    h.writeUInt32BE(this.#ssrc >>> 0, 8)
    this.socket.send(Buffer.concat([h, payload]), this.peer.port, this.peer.address)
  }

  // A steady tone, 20 ms packets, until quiet().
  speak() {
    if (this.#speaker) return
    const tone = Buffer.alloc(160)
    let phase = 0
    this.#speaker = setInterval(() => {
      if (this.#keying) return
      for (let i = 0; i < 160; i++) tone[i] = alaw(Math.round(8000 * Math.sin((2 * Math.PI * 440 * (phase + i)) / 8000)))
      phase += 160
      this.#send(8, tone, false, this.#ts)
      this.#ts += 160
    }, 20)
  }

  quiet() {
    clearInterval(this.#speaker)
    this.#speaker = null
  }

  // One key press as RFC 4733 (payload type 101): 100 ms of event, three end packets.
  async key(digit) {
    const event = EVENTS.indexOf(digit)
    assert.ok(event >= 0, `no DTMF key ${digit}`)
    this.#keying = true
    const ts = this.#ts
    const tick = () => new Promise((r) => setTimeout(r, 20))
    for (let n = 1; n <= 5; n++) {
      this.#send(101, Buffer.from([event, 10, (n * 160) >> 8, (n * 160) & 0xff]), n === 1, ts)
      await tick()
    }
    for (let n = 0; n < 3; n++) this.#send(101, Buffer.from([event, 0x80 | 10, 800 >> 8, 800 & 0xff]), false, ts)
    this.#ts += 960
    this.#keying = false
  }

  close() {
    this.quiet()
    this.socket.close()
  }
}

// The telephony of one page-test server (its SIP port).
export class Telephony {
  constructor(server) {
    this.server = server
    this.procs = []
    this.ends = []
  }

  #sipp(args) {
    const p = sipp(args)
    this.procs.push(p)
    return p
  }

  async register(who, port) {
    const reg = await sipp([`127.0.0.1:${this.server.sipPort}`, '-sf', sipScenario('agent_register.xml'), '-i', '127.0.0.1',
      '-m', '1', '-nostdin', '-timeout', '20s', '-timeout_error', '-key', 'ext', who.extension,
      '-key', 'contact_port', String(port), '-key', 'expires', '300', '-au', who.extension, '-ap', who.sipPassword]).done
    assert.equal(reg.code, 0, `the phone of ${who.username} could not register:\n${reg.output.slice(-1500)}`)
  }

  // A phone for `who` running `scenario` (a UAS on the registered port; -d is the ringing time
  // of scenarios that pause before answering); keys: extra -key name value pairs; calls: how many
  // calls it takes before it ends.
  async phone(who, scenario, { ringMs = 8000, keys = {}, calls = 1 } = {}) {
    const port = await freePort()
    const args = ['-sf', scenario, '-i', '127.0.0.1', '-p', String(port), '-mp', rtpPort(), '-m', String(calls),
      '-d', String(ringMs), '-nostdin', '-timeout', '150s', '-timeout_error', '-key', 'ext', who.extension]
    for (const [k, v] of Object.entries(keys)) args.push('-key', k, String(v))
    const phone = this.#sipp(args)
    await this.register(who, port)
    return phone
  }

  // The agent's phone: rings ringMs, answers, speaks (SIPp's g711a.pcap), waits for the hang-up.
  agentPhone(who, opts) {
    return this.phone(who, sipScenario('agent_phone_answer.xml'), opts)
  }

  // A desk phone the desktop answers: rings until NOTIFY Event: talk, then answers and speaks.
  talkPhone(who, opts) {
    return this.phone(who, webScenario('agent_phone_talk.xml'), opts)
  }

  // A desk phone that refuses the remote answer (489), rings ringMs more, then answers and speaks.
  // Only for tests that click Answer: it waits for the NOTIFY before ringing on.
  refusingPhone(who, opts) {
    return this.phone(who, sipScenario('agent_talk_refused.xml'), opts)
  }

  // The supervisor's phone: answers at once; its media is an RtpEnd here (phone.media).
  async supervisorPhone(who) {
    const media = await RtpEnd.open()
    this.ends.push(media)
    const phone = await this.phone(who, webScenario('supervisor_phone.xml'), { ringMs: 300, keys: { rtp_port: media.port } })
    phone.media = media
    phone.heard = media // packets / loud, as the listen test reads them
    return phone
  }

  // A SIPp caller of 95598 that presses 0 at the menu (RFC 4733 from SIPp) and waits for the BYE.
  sippCaller(phone) {
    return this.#sipp([`127.0.0.1:${this.server.sipPort}`, '-sf', webScenario('wait_for_agent.xml'),
      '-s', '95598', '-key', 'caller', phone, '-i', '127.0.0.1', '-p', '0', '-mp', rtpPort(),
      '-m', '1', '-l', '1', '-nostdin', '-timeout', '120s', '-timeout_error'])
  }

  // A caller of 95598 whose media is an RtpEnd here (call.media): it hears the call and keys
  // digits into it; the SIPp side waits for the BYE.
  async caller(phone) {
    const media = await RtpEnd.open()
    this.ends.push(media)
    const call = this.#sipp([`127.0.0.1:${this.server.sipPort}`, '-sf', webScenario('caller_rtp.xml'),
      '-s', '95598', '-key', 'caller', phone, '-key', 'rtp_port', String(media.port), '-i', '127.0.0.1', '-p', '0',
      '-m', '1', '-l', '1', '-nostdin', '-timeout', '120s', '-timeout_error'])
    call.media = media
    return call
  }

  // Everything still running is stopped, every socket closed.
  close() {
    for (const p of this.procs) p.stop()
    for (const e of this.ends) e.close()
  }
}
