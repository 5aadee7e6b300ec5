// End-to-end test of the claimlens VS Code extension in real VS Code:
// code-server in headless Chromium, driven by playwright-core. Run by
// tests/e2e/run.sh. Environment: CODE_SERVER (binary), VSIX (the packaged
// extension, server bundled), CORPUS (a temp copy of corpus/ where 02-...
// says "24 million tonnes" of oil and 01-... says 25), ARTIFACTS (folder for
// screenshots and logs), WORK (scratch folder), NODE_PATH (playwright-core).
// Prints one "PASS name" or "FAIL name: why" line per check; exits 1 when any
// check failed.
'use strict';
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');
const { chromium } = require('playwright-core');

const env = (k) => {
  const v = process.env[k];
  if (!v) {
    console.log(`FAIL setup: environment variable ${k} is not set (run tests/e2e/run.sh)`);
    process.exit(1);
  }
  return v;
};
const CODE_SERVER = env('CODE_SERVER');
const VSIX = env('VSIX');
const CORPUS = env('CORPUS');
const ART = env('ARTIFACTS');
const WORK = env('WORK');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const F01 = '01-belarus-cannot-do-without-russia.txt';
const F02 = '02-lukashenko-explains-cooperation-with-russia.txt';

let passed = 0;
let onFailure = null; // takes a screenshot once the browser runs
let failed = 0;
const skipped = new Set();

async function check(name, fn, { needs } = {}) {
  const missing = (needs || []).filter((n) => skipped.has(n));
  if (missing.length) {
    failed++;
    skipped.add(name);
    console.log(`FAIL ${name}: not run, it needs: ${missing.join('; ')}`);
    return;
  }
  const t = Date.now();
  try {
    await fn();
    passed++;
    console.log(`PASS ${name} (${((Date.now() - t) / 1000).toFixed(1)}s)`);
  } catch (e) {
    failed++;
    skipped.add(name);
    if (onFailure) await onFailure(failed).catch(() => undefined);
    console.log(`FAIL ${name}: ${e && e.message ? e.message.split('\n').slice(0, 6).join('\n    ') : e}`);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function until(what, timeoutMs, fn, intervalMs = 250) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: not after ${timeoutMs / 1000} s${last ? ` (${last.message.split('\n')[0]})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

(async () => {
  fs.mkdirSync(ART, { recursive: true });
  const data = path.join(WORK, 'data');
  const exts = path.join(WORK, 'extensions');
  const xdg = path.join(WORK, 'xdg');
  const tmp = path.join(WORK, 'tmp');
  for (const d of [path.join(data, 'User'), exts, xdg, tmp]) fs.mkdirSync(d, { recursive: true });
  const settings = JSON.parse(fs.readFileSync(path.join(__dirname, 'settings.json'), 'utf8'));
  if (process.env.E2E_TRACE) settings['claimlens.trace.server'] = 'verbose'; // LSP messages in the log
  fs.writeFileSync(path.join(data, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  const csEnv = {
    ...process.env,
    XDG_CONFIG_HOME: path.join(xdg, 'config'),
    XDG_DATA_HOME: path.join(xdg, 'data'),
    XDG_CACHE_HOME: path.join(xdg, 'cache'),
    TMPDIR: tmp,
  };
  const common = ['--user-data-dir', data, '--extensions-dir', exts];

  await check('the .vsix installs into code-server', async () => {
    const r = spawnSync(CODE_SERVER, [...common, '--install-extension', VSIX], { env: csEnv, encoding: 'utf8', timeout: 120000 });
    const text = `${r.stdout}\n${r.stderr}`;
    fs.writeFileSync(path.join(ART, 'install-extension.log'), text);
    if (r.status !== 0 || !/successfully installed/i.test(text)) {
      throw new Error(`code-server --install-extension exited ${r.status}: ${text.trim().split('\n').slice(-3).join(' | ')}`);
    }
    const installed = fs.readdirSync(exts).filter((d) => d.startsWith('claimlens.claimlens-'));
    if (installed.length !== 1) throw new Error(`extensions folder holds ${JSON.stringify(fs.readdirSync(exts))}`);
  });

  const port = await freePort();
  const csLog = fs.openSync(path.join(ART, 'code-server.log'), 'w');
  const cs = spawn(
    CODE_SERVER,
    [
      ...common,
      '--bind-addr', `127.0.0.1:${port}`,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      CORPUS,
    ],
    { env: csEnv, detached: true, stdio: ['ignore', csLog, csLog] },
  );
  let browser;
  let page;
  const stopAll = async () => {
    if (browser) await browser.close().catch(() => undefined);
    try {
      process.kill(-cs.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  };
  process.on('SIGTERM', () => stopAll().then(() => process.exit(1)));

  const shot = async (name) => {
    if (page) await page.screenshot({ path: path.join(ART, name) }).catch((e) => console.log(`screenshot ${name}: ${e.message}`));
  };
  onFailure = (n) => shot(`failure-${n}.png`);
  const palette = async (command) => {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10000 });
    await input.fill(`>${command}`);
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: command }).first().waitFor({ timeout: 10000 });
    await page.keyboard.press('Enter');
  };
  const editor = () => page.locator('.editor-group-container.active .monaco-editor').first();
  // Hover `word` (found afresh each try: code lenses and tokens arriving
  // move the text) until a hover containing `want` shows.
  const hoverWord = async (line, word, want, timeoutMs) => {
    return until(`hover on "${word}" containing ${JSON.stringify(want)}`, timeoutMs, async () => {
      const box = await wordAt(line, word);
      if (!box) throw new Error(`"${word}" not on screen`);
      const x = box.x + box.width / 2, y = box.y + box.height / 2;
      await page.mouse.move(x + 200, y + 300);
      await page.keyboard.press('Escape');
      await page.mouse.move(x - 15, y + 30);
      await page.mouse.move(x, y, { steps: 4 });
      const h = page.locator('.monaco-hover:not(.hidden)', { hasText: want }).first();
      await h.waitFor({ state: 'visible', timeout: 4000 });
      // wait until the hover and its containers are opaque (screenshots)
      await until('an opaque hover', 2000, () => h.evaluate((el) => {
        for (let e = el; e; e = e.parentElement) if (getComputedStyle(e).opacity !== '1') return false;
        return true;
      }), 50).catch(() => undefined);
      return (await h.innerText()).trim();
    }, 100);
  };
  // Screen box (and colour) of the first occurrence of `word` in a visual
  // line of the active editor whose text matches `line` (a RegExp). Monaco
  // splits a line into spans as tokens arrive, so this works on text nodes.
  const wordAt = (line, word) => editor().evaluate((el, { src, flags, word }) => {
    const re = new RegExp(src, flags);
    for (const vl of el.querySelectorAll('.view-line')) {
      if (!re.test(vl.textContent.replace(/\u00a0/g, ' '))) continue;
      const walker = document.createTreeWalker(vl, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const i = n.textContent.indexOf(word);
        if (i < 0) continue;
        const r = document.createRange();
        r.setStart(n, i);
        r.setEnd(n, i + word.length);
        const b = r.getBoundingClientRect();
        return { x: b.x, y: b.y, width: b.width, height: b.height, color: getComputedStyle(n.parentElement).color };
      }
    }
    return null;
  }, { src: line.source, flags: line.flags, word });
  // The claimlens output channel: VS Code keeps each channel in a file under
  // the profile's logs folder; the panel shows only its visible lines.
  const logText = async () => {
    const files = [];
    const walk = (d) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/-claimlens\.log$/.test(e.name)) files.push(p);
      }
    };
    if (fs.existsSync(path.join(data, 'logs'))) walk(path.join(data, 'logs'));
    const onDisk = files.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    const panel = await page.locator('.part.panel').innerText().catch(() => '');
    return `${onDisk}\n${panel.replace(/\u00a0/g, ' ')}`;
  };
  const openFile = async (name, lineText) => {
    const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: name });
    await row.waitFor({ timeout: 60000 });
    await row.click();
    await editor().locator('.view-line', { hasText: lineText }).first().waitFor({ timeout: 30000 });
  };

  await check('code-server serves VS Code', async () => {
    await until('code-server /healthz', 60000, async () => {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null);
      return r && r.ok;
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      env: { ...process.env, XDG_CONFIG_HOME: path.join(xdg, 'chromium'), XDG_CACHE_HOME: path.join(xdg, 'chromium') },
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
    });
    // no fade-in animations: screenshots show hovers fully drawn
    page = await browser.newPage({ viewport: { width: 1400, height: 860 }, reducedMotion: 'reduce' });
    page.on('pageerror', (e) => console.log('[pageerror]', e.message));
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(CORPUS)}`, { waitUntil: 'domcontentloaded' });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
  }, { needs: ['the .vsix installs into code-server'] });

  const SERVES = ['code-server serves VS Code'];

  await check('an article opens in the editor', async () => {
    await openFile(F01, 'Lukashenko: Belarus cannot do without Russia');
  }, { needs: SERVES });

  const OPEN = ['an article opens in the editor'];

  await check('hover on a person shows the entity (Lukashenko, person)', async () => {
    const text = await hoverWord(/^Belarusian President Alexander Lukashenko/, 'Lukashenko', 'person', 60000);
    if (!text.includes('Lukashenko')) throw new Error(`hover text does not name Lukashenko: ${JSON.stringify(text)}`);
    await shot('vscode-hover.png');
    console.log(`hover: ${JSON.stringify(text.slice(0, 200))}`);
  }, { needs: OPEN });

  await check('entities are coloured by semantic tokens (person type declared by the extension)', async () => {
    await page.keyboard.press('Escape');
    let seen = {};
    await until('"Lukashenko" coloured differently from plain words', 30000, async () => {
      const name = await wordAt(/^Lukashenko: Belarus/, 'Lukashenko');
      const plain = await wordAt(/^Lukashenko: Belarus/, 'cannot');
      seen = { Lukashenko: name && name.color, cannot: plain && plain.color };
      return name && plain && name.color !== plain.color;
    }).catch((e) => {
      throw new Error(`${e.message}; colours ${JSON.stringify(seen)}`);
    });
  }, { needs: OPEN });

  await check('the conflict warning is in the Problems panel (claimlens, inconsistent-figure)', async () => {
    await palette('Focus on Problems View');
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'inconsistent-figure' }).first();
    await until('a Problems row with inconsistent-figure', 60000, async () => {
      if (await row.isVisible()) return true;
      return false;
    });
    const file = page.locator('.markers-panel .monaco-list-row', { hasText: F02 }).first();
    await file.waitFor({ timeout: 10000 });
    const text = await row.innerText();
    if (!text.includes('claimlens')) throw new Error(`the row does not name the source: ${JSON.stringify(text)}`);
  }, { needs: OPEN });

  await check('the conflicting figure is underlined and its hover explains the conflict', async () => {
    // open the warning of 02 from the Problems panel: the editor jumps to the figure
    const rows = page.locator('.markers-panel .monaco-list-row', { hasText: 'inconsistent-figure' });
    const n = await rows.count();
    let opened = false;
    for (let i = 0; i < n && !opened; i++) {
      await rows.nth(i).click();
      await page.keyboard.press('Enter');
      opened = await until('the figure on screen', 3000, () => wordAt(/produce 24\b/, '24')).then(() => true, () => false);
    }
    if (!opened) throw new Error(`no Problems row opened the line with "Do we produce 24" in ${F02}`);
    const squiggle = editor().locator('.squiggly-warning').first();
    await squiggle.waitFor({ state: 'attached', timeout: 15000 });
    const text = await hoverWord(/produce 24\b/, '24', 'inconsistent-figure', 30000);
    await shot('vscode-conflict.png');
    console.log(`conflict hover: ${JSON.stringify(text.slice(0, 200))}`);
  }, { needs: ['the conflict warning is in the Problems panel (claimlens, inconsistent-figure)'] });

  await check('"claimlens: List Figure Conflicts" lists the conflict (claimlens.listConflicts)', async () => {
    await page.keyboard.press('Escape');
    await palette('claimlens: List Figure Conflicts');
    const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: F02 }).first();
    await row.waitFor({ timeout: 15000 }).catch(async () => {
      const rows = await page.locator('.quick-input-widget .monaco-list-row').allInnerTexts().catch(() => []);
      throw new Error(`no quick pick item for ${F02}; items: ${JSON.stringify(rows)}`);
    });
    await page.keyboard.press('Escape');
  }, { needs: ['the conflict warning is in the Problems panel (claimlens, inconsistent-figure)'] });

  await check('"claimlens: Show Server Log" shows the server\'s log', async () => {
    await page.keyboard.press('Escape');
    await palette('claimlens: Show Server Log');
    await page.locator('.part.panel').waitFor({ state: 'visible', timeout: 10000 });
    await until('the server log (claimlens output channel)', 20000, async () => {
      const t = await logText();
      return /starting .*claimlens lsp/.test(t) && /initialize: roots/.test(t);
    });
    await shot('vscode-log.png');
  }, { needs: SERVES });

  await check('"claimlens: Restart Server" starts a new server that initializes', async () => {
    await palette('claimlens: Restart Server');
    await until('a second "starting" and "initialize" line in the log', 30000, async () => {
      const t = await logText();
      return (t.match(/starting .*claimlens lsp/g) || []).length >= 2 && (t.match(/initialize: roots/g) || []).length >= 2;
    });
  }, { needs: ['"claimlens: Show Server Log" shows the server\'s log'] });

  await check('after the restart, hover answers again', async () => {
    await page.keyboard.press('Escape');
    await openFile(F01, 'Lukashenko: Belarus cannot do without Russia');
    await hoverWord(/^Lukashenko: Belarus/, 'Lukashenko', 'person', 60000);
  }, { needs: ['hover on a person shows the entity (Lukashenko, person)', '"claimlens: Restart Server" starts a new server that initializes'] });

  await check('a wrong claimlens.server.path is reported to the user', async () => {
    // claimlens.server.path is machine-scoped: in code-server (a remote
    // window) it is read from the remote machine's settings, not the user's.
    const bad = path.join(WORK, 'no-such-claimlens');
    fs.mkdirSync(path.join(data, 'Machine'), { recursive: true });
    fs.writeFileSync(path.join(data, 'Machine', 'settings.json'), JSON.stringify({ 'claimlens.server.path': bad }, null, 2));
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'not an executable file' }).first();
    await toast.waitFor({ timeout: 20000 });
    const text = await toast.innerText();
    if (!text.includes(bad)) throw new Error(`the message does not name the path: ${JSON.stringify(text)}`);
    await shot('vscode-bad-path.png');
  }, { needs: SERVES });

  await shot('vscode-final.png');
  await stopAll();
  fs.closeSync(csLog);
  console.log(`vscode: ${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
})().catch((e) => {
  console.log(`FAIL vscode driver: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
