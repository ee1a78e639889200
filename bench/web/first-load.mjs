// Desktop first load: the web build's size (raw and gzipped, what a first visit downloads for
// the sign-in page and for the agent desktop) and, in headless Chromium against a real server
// on 127.0.0.1, the time until the sign-in form answers and until the agent desktop is usable
// after signing in. Cold cache each run; bytes over the wire from the DevTools Network domain.
// Usage (after ./build.sh and npm ci in tests/web):
//   node bench/web/first-load.mjs [runs]
//   SY_BENCH_LINK_KBPS=10000 SY_BENCH_LINK_RTT_MS=30 node bench/web/first-load.mjs [runs]
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import os from 'node:os'
import path from 'node:path'
import { Server, launchBrowser, webDist } from '../../tests/web/harness.mjs'

const runs = Number(process.argv[2] || 5)
const link = { kbps: Number(process.env.SY_BENCH_LINK_KBPS || 0), rtt: Number(process.env.SY_BENCH_LINK_RTT_MS || 0) }

function sizes() {
  const dir = path.join(webDist, 'assets')
  let raw = 0
  let gz = 0
  for (const f of readdirSync(dir)) {
    const data = readFileSync(path.join(dir, f))
    raw += data.length
    gz += gzipSync(data, { level: 9 }).length
  }
  return { raw, gz }
}

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const max = (xs) => Math.max(...xs)

const user = { username: 'bench.agent', password: 'bench-pass-1', role: 'agent', extension: '7909' } // clear of the demo agents' 8001…
const server = await Server.start({ customers: 2000, users: [user] })
const browser = await launchBrowser()
const login = []
const desktop = []
const nav = { interactive: [], loaded: [] } // the first page's Navigation Timing (ms from start)
const transfer = { login: 0, desktop: 0, loginDecoded: 0, desktopDecoded: 0 } // of the last run
try {
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } })
    const page = await context.newPage()
    // Bytes over the wire (headers and bodies as sent, gzip included) and the bodies'
    // decoded size, from the DevTools Network domain.
    let bytes = 0
    let decoded = 0
    const cdp = await context.newCDPSession(page)
    await cdp.send('Network.enable')
    cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength })
    cdp.on('Network.dataReceived', (e) => { decoded += e.dataLength })
    if (link.kbps) {
      // A slower link than loopback (SY_BENCH_LINK_KBPS, SY_BENCH_LINK_RTT_MS): what a branch
      // office on a thin line sees.
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: link.rtt,
        downloadThroughput: (link.kbps * 1000) / 8,
        uploadThroughput: (link.kbps * 1000) / 8,
      })
    }
    const t0 = performance.now()
    await page.goto(`${server.url}/login`)
    await page.locator('input[data-test=username]').waitFor()
    login.push(performance.now() - t0)
    const timing = await page.evaluate(() => {
      const n = performance.getEntriesByType('navigation')[0]
      return { interactive: n.domInteractive, loaded: n.loadEventEnd }
    })
    nav.interactive.push(timing.interactive)
    nav.loaded.push(timing.loaded)
    transfer.login = bytes
    transfer.loginDecoded = decoded
    await page.locator('input[data-test=username]').fill(user.username)
    await page.locator('input[data-test=password]').fill(user.password)
    const t1 = performance.now()
    await page.locator('[data-test=sign-in]').click()
    await page.locator('input[data-test=lookup-input]').waitFor()
    await page.locator('[data-test=state-bar]').waitFor()
    await page.locator('[data-test=call-panel]').waitFor()
    desktop.push(performance.now() - t1)
    transfer.desktop = bytes
    transfer.desktopDecoded = decoded
    await context.close()
  }
} finally {
  await browser.close()
  await server.stop()
}

const s = sizes()
console.log(`web desktop first load — ${runs} cold runs, headless Chromium, server on 127.0.0.1, ` +
  `${os.cpus().length} CPUs (${os.cpus()[0].model.trim()}), node ${process.version}`)
if (link.kbps) console.log(`  emulated link: ${link.kbps} kbit/s each way, ${link.rtt} ms round trip`)
console.log(`  build (web/dist/assets): ${kb(s.raw)} raw, ${kb(s.gz)} gzipped (level 9)`)
console.log(`  over the wire (DevTools encodedDataLength, headers included): sign-in page ${kb(transfer.login)} ` +
  `(${kb(transfer.loginDecoded)} decoded), through agent desktop ${kb(transfer.desktop)} ` +
  `(${kb(transfer.desktopDecoded)} decoded)`)
console.log(`  first page (Navigation Timing): domInteractive median ${median(nav.interactive).toFixed(0)} ms, ` +
  `load event end median ${median(nav.loaded).toFixed(0)} ms`)
console.log(`  sign-in form usable: median ${median(login).toFixed(0)} ms, max ${max(login).toFixed(0)} ms`)
console.log(`  sign-in → agent desktop usable: median ${median(desktop).toFixed(0)} ms, max ${max(desktop).toFixed(0)} ms`)
