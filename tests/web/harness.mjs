// Page-test harness: a real `switchyard serve` on 127.0.0.1 (free port) over a temporary SQLite
// database filled with demo data, users made with `switchyard user add`, and Debian's Chromium
// driven headless through playwright-core.
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, mkdirSync, rmSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '../..')

export const binary = process.env.SY_BINARY || path.join(root, 'build/switchyard')
export const webDist = process.env.SY_WEB_DIST || path.join(root, 'web/dist')
export const chromiumPath = process.env.SY_CHROMIUM || '/usr/bin/chromium'
export const screenshotDir = process.env.SY_SCREENSHOT_DIR || path.join(root, 'build/screenshots')

function run(args, input) {
  const r = spawnSync(binary, args, { input, encoding: 'utf8', timeout: 120000 })
  if (r.status !== 0) throw new Error(`switchyard ${args.join(' ')} failed (${r.status}): ${r.stderr}`)
  return r.stdout
}

export class Server {
  // sipPort: SIP on that port (95598 runs sipFlow, by default the shipped hotline flow; trunk
  // 127.0.0.1) for SIPp callers; env: extra SWITCHYARD_* settings.
  // seed(dir): runs after the demo data and users are in and before the server starts (for
  // records only other components write, such as calls).
  static async start({ customers = 2000, users = [], sipPort = 0, sipFlow = '', env = {}, seed } = {}) {
    if (!existsSync(binary)) throw new Error(`no switchyard binary at ${binary} (set SY_BINARY)`)
    if (!existsSync(path.join(webDist, 'index.html'))) throw new Error(`no web build at ${webDist} (set SY_WEB_DIST)`)
    const s = new Server()
    s.sipPort = sipPort
    s.sipFlow = sipFlow || path.join(root, 'config/flows/hotline-95598.yaml')
    s.env = env
    s.dir = mkdtempSync(path.join(tmpdir(), 'sy-web-'))
    s.demoOutput = run(['demo-data', '--customers', String(customers), '--seed', '1', '--data', s.dir])
    for (const u of users) {
      const args = ['user', 'add', '--data', s.dir, '--username', u.username, '--role', u.role, '--password-stdin']
      if (u.displayName) args.push('--display-name', u.displayName)
      if (u.extension) args.push('--extension', u.extension)
      if (u.region) args.push('--region', u.region)
      run(args, `${u.password}\n`)
    }
    if (seed) await seed(s.dir)
    await s.#serve()
    return s
  }

  #serve() {
    return new Promise((resolve, reject) => {
      const env = { ...process.env, SWITCHYARD_HTTP_WEB_ROOT: webDist, ...this.env }
      if (this.sipPort) {
        env.SWITCHYARD_SIP_SERVICES = `95598=${this.sipFlow}`
        env.SWITCHYARD_SIP_TRUNKS = '127.0.0.1'
        const rtp = 40000 + (this.sipPort % 500) * 20
        env.SWITCHYARD_RTP_PORT_MIN = String(rtp)
        env.SWITCHYARD_RTP_PORT_MAX = String(rtp + 199)
      }
      const sip = `127.0.0.1:${this.sipPort || 0}`
      this.proc = spawn(binary, ['serve', '--data', this.dir, '--http', '127.0.0.1:0', '--sip', sip], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let out = ''
      this.stderr = ''
      const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}\n${this.stderr}`)), 30000)
      this.proc.stderr.on('data', (d) => (this.stderr += d))
      this.proc.stdout.on('data', (d) => {
        out += d
        const admin = out.match(/admin，密码 (\S+)/)
        if (admin) this.adminPassword = admin[1]
        const m = out.match(/open http:\/\/127\.0\.0\.1:(\d+)\//)
        if (m && !this.url) {
          this.url = `http://127.0.0.1:${m[1]}`
          clearTimeout(timer)
          resolve()
        }
      })
      this.proc.on('exit', (code) => {
        if (!this.url) {
          clearTimeout(timer)
          reject(new Error(`server exited with ${code}:\n${out}\n${this.stderr}`))
        }
      })
    })
  }

  async stop() {
    if (this.proc && this.proc.exitCode === null) {
      const exited = new Promise((r) => this.proc.once('exit', r))
      this.proc.kill('SIGTERM')
      await exited
    }
    if (this.dir) rmSync(this.dir, { recursive: true, force: true })
  }

  // A signed-in API client (Node's fetch with the session cookie and CSRF token).
  async api(username, password) {
    const res = await fetch(`${this.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password }),
    })
    if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`)
    const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
    const { csrf_token: csrf } = await res.json()
    const url = this.url
    return {
      async get(p) {
        const r = await fetch(`${url}/api/v1${p}`, { headers: { Cookie: cookie } })
        return { status: r.status, body: await r.json().catch(() => null) }
      },
      post(p, body) {
        return this.send('POST', p, body)
      },
      patch(p, body) {
        return this.send('PATCH', p, body)
      },
      async send(method, p, body) {
        const r = await fetch(`${url}/api/v1${p}`, {
          method,
          headers: { Cookie: cookie, 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        })
        return { status: r.status, body: await r.json().catch(() => null) }
      },
    }
  }
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  })
}

export function screenshotPath(name) {
  mkdirSync(screenshotDir, { recursive: true })
  return path.join(screenshotDir, name)
}

// What a user reads for an amount in fen: ¥ with thousands separators and two decimals.
export function yuan(fen) {
  const sign = fen < 0 ? '-' : ''
  const abs = Math.abs(fen)
  const whole = Math.floor(abs / 100).toLocaleString('en-US')
  return `${sign}¥${whole}.${String(abs % 100).padStart(2, '0')}`
}

// A demo customer whose phone finds only them, with one account and no active outage in their
// area (a caller whose screen pop is unambiguous).
export async function findCaller(api) {
  const found = await api.get('/customers?page_size=60')
  if (found.status !== 200) throw new Error(`customer search: ${found.status}`)
  for (const c of found.body.items) {
    const file = await api.get(`/customers/${c.id}`)
    for (const p of file.body.phones || []) {
      const pop = await api.get(`/customers/lookup?phone=${encodeURIComponent(p.phone)}`)
      if (pop.status !== 200 || pop.body.count !== 1) continue
      const m = pop.body.matches[0]
      if (m.outages.some((o) => o.status === 'active') || m.accounts.length !== 1) continue
      return { phone: p.phone, name: m.customer.name, id: m.customer.id, region: m.customer.region_code, account: m.accounts[0].account_no }
    }
  }
  throw new Error('no demo customer with a phone of their own and no active outage')
}
