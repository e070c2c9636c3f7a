// Loads a useChat page (chat_page.jsx, bundled here with esbuild) in headless Chromium on the
// chat server's origin, sends one message, waits for the streamed answer and prints what the
// page shows as JSON: {"status", "messages": [{"role", "texts", "reasoning", "tools", "metadata"}], "error"}.
// With `example-page` it uses the chat server's own page (`/`) instead and prints
// {"messages": [{"role", "text"}]}.
//
// usage: node browser_chat.mjs <server base url> <chromium path> <message> [use-chat|example-page]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';

const [baseUrl, executablePath, text, mode = 'use-chat'] = process.argv.slice(2);
const here = dirname(fileURLToPath(import.meta.url));

const bundle = await esbuild.build({
  entryPoints: [join(here, 'chat_page.jsx')],
  bundle: true,
  write: false,
  format: 'esm',
  jsx: 'automatic',
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'error',
});
const script = bundle.outputFiles[0].text;
const page_html = '<!doctype html><html><body><div id="root"></div><script type="module" src="/use-chat.js"></script></body></html>';

const userDataDir = await mkdtemp(join(tmpdir(), 'specai-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath,
  headless: true,
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync',
  ],
});
try {
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleErrors = [];
  page.on('console', message => { if (message.type() === 'error') consoleErrors.push(message.text()); });
  page.on('pageerror', error => consoleErrors.push(error.message));
  const shown = await (mode === 'example-page' ? useExamplePage(page) : useChatPage(page));
  process.stdout.write(JSON.stringify({ ...shown, consoleErrors }));
} finally {
  await context.close();
  await rm(userDataDir, { recursive: true, force: true });
}

async function useChatPage(page) {
  // The page and its bundle come from here; /api/chat goes to the Rust server (same origin).
  await page.route(`${baseUrl}/use-chat`, route => route.fulfill({ contentType: 'text/html', body: page_html }));
  await page.route(`${baseUrl}/use-chat.js`, route => route.fulfill({ contentType: 'text/javascript', body: script }));
  await page.goto(`${baseUrl}/use-chat`);
  await page.fill('#input', text);
  await page.click('#send');
  await page.waitForSelector('main[data-status="ready"] .message[data-role="assistant"], main[data-status="error"]', {
    timeout: 20000,
  });
  return page.evaluate(() => ({
    status: document.querySelector('main').dataset.status,
    messages: [...document.querySelectorAll('.message')].map(message => ({
      role: message.dataset.role,
      texts: [...message.querySelectorAll('.text')].map(node => node.textContent),
      reasoning: [...message.querySelectorAll('.reasoning')].map(node => node.textContent),
      tools: [...message.querySelectorAll('.tool')].map(node => `${node.textContent} [${node.dataset.state}]`),
      metadata: message.querySelector('.metadata')?.textContent ?? null,
    })),
    error: document.querySelector('.error')?.textContent ?? null,
  }));
}

async function useExamplePage(page) {
  await page.goto(`${baseUrl}/`);
  await page.fill('#input', text);
  await page.click('button');
  await page.waitForFunction(() => document.querySelector('.message.assistant')?.textContent.length > 0 &&
    document.querySelectorAll('.message').length === 2, null, { timeout: 20000 });
  // The answer streams: wait until it stops changing.
  let previous;
  for (;;) {
    await new Promise(resolve => setTimeout(resolve, 300));
    const now = await page.textContent('#messages');
    if (now === previous) break;
    previous = now;
  }
  return page.evaluate(() => ({
    messages: [...document.querySelectorAll('.message')].map(node => ({
      role: node.classList.contains('user') ? 'user' : 'assistant',
      text: node.textContent,
    })),
  }));
}
