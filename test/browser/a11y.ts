/**
 * The accessibility checks every page of the browser tests passes (the account-link page, the
 * operator console), in Chromium through playwright-core:
 *
 *  - every field (input, select, textarea) has a <label>, and each label's text finds exactly
 *    that one field;
 *  - text contrast of WCAG AA (4.5:1, 3:1 for large text) against the background it is drawn on;
 *  - on a phone: touch targets of at least 44 × 44 px (links inside a sentence excepted, as
 *    WCAG 2.5.8 does; a checkbox or radio counts with its label), and nothing wider than the
 *    screen;
 *  - the keyboard: Tab from the top reaches every link, field, button and summary in page order
 *    (a radio group once, as browsers do; a scrolled region with nothing focusable inside too,
 *    as Chromium makes it a stop), each with a visible focus outline;
 *  - structure: headings start at h1 and never skip a level, every table has <th> cells, every
 *    chart (svg role=img) and image has an accessible name, no other svg is left for a screen
 *    reader to stumble on.
 *
 * Also here: the Chromium these tests drive (Debian's, never a downloaded one) with the Noto
 * fonts the project already has, so screenshots show the real script.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const CHROMIUM = '/usr/bin/chromium';

/** The Noto fonts of the rich-menu renderer (devDependencies), for Thai, Burmese, Khmer, Lao. */
const NOTO_DIRS = ['thai', 'myanmar', 'khmer', 'lao'].flatMap((script) =>
  ['400Regular', '700Bold'].map((w) =>
    fileURLToPath(
      new URL(`../../node_modules/@expo-google-fonts/noto-sans-${script}/${w}/`, import.meta.url),
    ),
  ),
);

/**
 * Debian's Chromium with a fontconfig file: the system's fonts plus the Noto ones (screenshots
 * only; no check needs them). `close()` also removes the fontconfig directory.
 */
export async function launchChromium(): Promise<{ browser: Browser; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}. The browser tests need Debian's chromium: ` +
        'run `apt-get install -y chromium` as root (or scripts/ensure-chromium.sh). ' +
        'Never download a browser through npm/playwright.',
    );
  }
  const dirs = NOTO_DIRS.filter((d) => existsSync(d));
  let fontDir: string | undefined;
  let fonts: string | undefined;
  if (dirs.length > 0) {
    fontDir = mkdtempSync(join(tmpdir(), 'browser-test-fonts-'));
    fonts = join(fontDir, 'fonts.conf');
    writeFileSync(
      fonts,
      `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
${dirs.map((d) => `  <dir>${d}</dir>`).join('\n')}
  <cachedir>${join(fontDir, 'cache')}</cachedir>
</fontconfig>
`,
    );
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    ...(fonts ? { env: { ...process.env, FONTCONFIG_FILE: fonts } } : {}),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
      if (fontDir) rmSync(fontDir, { recursive: true, force: true });
    },
  };
}

/**
 * WCAG 2.x contrast of every element's own text against the background it is drawn on
 * (backgrounds composited up the tree over white): 4.5:1, or 3:1 for large text. A string, so
 * that nothing the test transpiler adds ends up in the page.
 */
const CONTRAST_FAILURES = `(() => {
  const parse = (c) => {
    const m = /rgba?\\(([^)]+)\\)/.exec(c);
    if (!m) return null;
    const p = m[1].split(/[\\s,/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  };
  const over = (top, under) => ({
    r: top.r * top.a + under.r * (1 - top.a),
    g: top.g * top.a + under.g * (1 - top.a),
    b: top.b * top.a + under.b * (1 - top.a),
    a: 1,
  });
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
    }
    let out = { r: 255, g: 255, b: 255, a: 1 };
    for (const c of layers.reverse()) out = over(c, out);
    return out;
  };
  const failures = [];
  for (const el of document.body.querySelectorAll('*')) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() !== '');
    if (!own || el.tagName === 'OPTION') continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const style = getComputedStyle(el);
    const bg = background(el);
    const fg = over(parse(style.color), bg);
    const l1 = lum(fg), l2 = lum(bg);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) {
      failures.push(el.tagName + ' "' + el.textContent.trim().slice(0, 30) + '" ' + ratio.toFixed(2));
    }
  }
  return failures;
})()`;

/** What a keyboard user can reach, in the selector's (document) order. */
const INTERACTIVE = 'a[href], button, input:not([type=hidden]), select, textarea, summary';

/** The structural checks, in the page: headings, tables, charts and images. */
const STRUCTURE_PROBLEMS = `(() => {
  const out = { headings: [], tables: [], graphics: [] };
  let last = 0;
  for (const h of document.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
    const level = Number(h.tagName[1]);
    const text = h.textContent.trim().slice(0, 40);
    if (last === 0 && level !== 1) out.headings.push('first heading is ' + h.tagName + ' "' + text + '"');
    else if (last > 0 && level > last + 1) out.headings.push(h.tagName + ' "' + text + '" after h' + last);
    last = level;
  }
  if (last === 0) out.headings.push('no heading at all');
  for (const t of document.querySelectorAll('table')) {
    if (!t.querySelector('th')) out.tables.push('table without <th>: ' + t.outerHTML.slice(0, 80));
  }
  const hidden = (e) => e.closest('[aria-hidden=true]') !== null;
  const nameOf = (e) => {
    const label = (e.getAttribute('aria-label') || '').trim();
    if (label) return label;
    const ids = (e.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
    return ids.map((id) => (document.getElementById(id)?.textContent || '').trim()).join(' ').trim();
  };
  for (const svg of document.querySelectorAll('svg')) {
    if (hidden(svg) || (svg.parentElement && svg.parentElement.closest('svg'))) continue;
    if (svg.getAttribute('role') !== 'img') {
      out.graphics.push('svg neither role=img nor aria-hidden: ' + svg.outerHTML.slice(0, 80));
    } else if (!nameOf(svg)) {
      out.graphics.push('svg role=img without a name: ' + svg.outerHTML.slice(0, 80));
    }
  }
  for (const img of document.querySelectorAll('img')) {
    if (!hidden(img) && !img.hasAttribute('alt')) out.graphics.push('img without alt: ' + img.outerHTML.slice(0, 80));
  }
  return out;
})()`;

export interface AccessibilityOptions {
  /** The phone-only checks (44 px targets, no horizontal overflow). Default true. */
  readonly phone?: boolean;
}

export interface AccessibilityProblems {
  labels: string[];
  contrast: string[];
  targets: string[];
  overflow: string[];
  keyboard: string[];
  headings: string[];
  tables: string[];
  graphics: string[];
}

/** Every problem the checks find on the page as it is now (empty lists when none). */
export async function accessibilityProblems(
  page: Page,
  opts: AccessibilityOptions = {},
): Promise<AccessibilityProblems> {
  const phone = opts.phone ?? true;
  const out: AccessibilityProblems = {
    labels: await labelProblems(page),
    contrast: await page.evaluate(CONTRAST_FAILURES),
    targets: phone ? await smallTargets(page) : [],
    overflow: [],
    keyboard: await keyboardProblems(page),
    headings: [],
    tables: [],
    graphics: [],
  };
  if (phone) {
    const { scroll, client } = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    if (scroll > client) out.overflow.push(`page is ${scroll} px wide on a ${client} px screen`);
  }
  Object.assign(out, await page.evaluate(STRUCTURE_PROBLEMS));
  return out;
}

/** The checks as assertions: every list of problems is empty. */
export async function checkAccessibility(
  page: Page,
  where: string,
  opts: AccessibilityOptions = {},
): Promise<void> {
  const found = await accessibilityProblems(page, opts);
  for (const [check, problems] of Object.entries(found)) {
    expect(problems, `${where}: ${check}`).toEqual([]);
  }
}

/** Every field has a <label>; each label names one field, and its text finds exactly that one. */
async function labelProblems(page: Page): Promise<string[]> {
  const problems: string[] = [];
  const fields = page.locator('input:not([type=hidden]), select, textarea');
  problems.push(
    ...(await fields.evaluateAll((els) =>
      (els as HTMLInputElement[])
        .filter((i) => !i.labels?.length)
        .map((i) => `unlabelled: ${i.outerHTML.slice(0, 100)}`),
    )),
  );
  const labels = await page.locator('label').evaluateAll((ls) =>
    (ls as HTMLLabelElement[]).map((l, i) => {
      // The label's own text (without the text of a field inside it, e.g. a <select>'s options).
      const copy = l.cloneNode(true) as HTMLElement;
      for (const f of copy.querySelectorAll('select, textarea')) f.remove();
      const text = (copy.textContent ?? '').replace(/\s+/g, ' ').trim();
      const control = l.control;
      if (control) control.setAttribute('data-a11y-label-of', String(i));
      return { i, text, control: control ? control.outerHTML.slice(0, 100) : null };
    }),
  );
  if (labels.length !== (await fields.count())) {
    problems.push(`${labels.length} labels for ${await fields.count()} fields`);
  }
  for (const label of labels) {
    if (label.control === null) {
      problems.push(`label "${label.text}" names no field`);
      continue;
    }
    const found = page.getByLabel(label.text, { exact: true });
    const n = await found.count();
    if (n !== 1) problems.push(`label "${label.text}" finds ${n} fields`);
    else if ((await found.getAttribute('data-a11y-label-of')) !== String(label.i)) {
      problems.push(`label "${label.text}" finds another field`);
    }
  }
  await page.evaluate(() => {
    for (const e of document.querySelectorAll('[data-a11y-label-of]')) {
      e.removeAttribute('data-a11y-label-of');
    }
  });
  return problems;
}

/** Targets under 44 × 44 px (a checkbox or radio together with its label). */
async function smallTargets(page: Page): Promise<string[]> {
  return page.locator(INTERACTIVE).evaluateAll((els) =>
    els
      .filter((e) => getComputedStyle(e).display !== 'inline')
      .filter((e) => {
        if (!e.checkVisibility({ visibilityProperty: true })) return false; // hidden, closed details
        const r = e.getBoundingClientRect();
        if (r.right <= 0) return false; // off-screen until focused (a skip link)
        const boxes = [r];
        const input = e as HTMLInputElement;
        if (input.type === 'checkbox' || input.type === 'radio') {
          for (const l of input.labels ?? []) boxes.push(l.getBoundingClientRect());
        }
        const left = Math.min(...boxes.map((b) => b.left));
        const right = Math.max(...boxes.map((b) => b.right));
        const top = Math.min(...boxes.map((b) => b.top));
        const bottom = Math.max(...boxes.map((b) => b.bottom));
        return right - left < 44 || bottom - top < 44;
      })
      .map((e) => e.outerHTML.slice(0, 100)),
  );
}

/**
 * Tab from the top of the page: every shown, enabled control is reached once, in page order,
 * with a focus outline. A radio group is one stop (its checked radio, else its first); a date
 * field's parts are one stop.
 */
async function keyboardProblems(page: Page): Promise<string[]> {
  const { expected, presses } = await page.locator('body *').evaluateAll((all, interactive) => {
    const shown = (e: Element) => e.checkVisibility({ visibilityProperty: true });
    // A scrolled region with nothing focusable inside is a stop of its own (Chromium lets the
    // keyboard scroll it).
    const scroller = (e: Element) => {
      const s = getComputedStyle(e);
      const x = /auto|scroll/.test(s.overflowX) && e.scrollWidth > e.clientWidth;
      const y = /auto|scroll/.test(s.overflowY) && e.scrollHeight > e.clientHeight;
      return (x || y) && ![...e.querySelectorAll(interactive)].some(shown);
    };
    const els = all.filter((e) => e.matches(interactive) || scroller(e));
    const describe = (e: Element) => {
      const id = e.id ? `#${e.id}` : '';
      const href = e.getAttribute('href');
      const text = (e.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 24);
      return `${e.tagName.toLowerCase()}${id}${href ? `[${href}]` : ''}${text ? ` "${text}"` : ''}`;
    };
    const groups = new Map<string, HTMLInputElement>();
    const stops: HTMLElement[] = [];
    for (const e of els as HTMLElement[]) {
      if (e.matches(':disabled') || (e.tabIndex < 0 && e.matches(interactive)) || !shown(e)) {
        continue;
      }
      const input = e as HTMLInputElement;
      if (input.type === 'radio' && input.name) {
        const key = `${input.form ? [...document.forms].indexOf(input.form) : -1}/${input.name}`;
        const first = groups.get(key);
        if (!first) {
          groups.set(key, input);
          stops.push(input);
        } else if (input.checked && !first.checked) {
          stops[stops.indexOf(first)] = input;
          groups.set(key, input);
        }
        continue;
      }
      stops.push(e);
    }
    let presses = stops.length + 2;
    stops.forEach((e, i) => {
      e.setAttribute('data-a11y-stop', String(i));
      const type = (e as HTMLInputElement).type;
      if (type === 'date') presses += 2;
      if (type === 'datetime-local') presses += 5;
    });
    // Start before the first element of the page: a focusable but untabbable marker.
    const start = document.createElement('span');
    start.tabIndex = -1;
    start.id = 'a11y-start';
    document.body.insertBefore(start, document.body.firstChild);
    start.focus();
    const log: { stop: string | null; what: string; outlined: boolean }[] = [];
    const onFocus = (ev: FocusEvent) => {
      const e = ev.target as HTMLElement;
      const s = getComputedStyle(e);
      log.push({
        stop: e.getAttribute('data-a11y-stop'),
        what: e.id === 'a11y-start' ? 'start' : describe(e),
        outlined: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
      });
    };
    document.addEventListener('focusin', onFocus);
    Object.assign(window, {
      a11yFocus: { log, stop: () => document.removeEventListener('focusin', onFocus) },
    });
    return { expected: stops.map(describe), presses };
  }, INTERACTIVE);
  for (let i = 0; i < presses; i++) await page.keyboard.press('Tab');
  const log = await page.evaluate(() => {
    const w = window as unknown as {
      a11yFocus: {
        log: { stop: string | null; what: string; outlined: boolean }[];
        stop(): void;
      };
    };
    w.a11yFocus.stop();
    document.getElementById('a11y-start')?.remove();
    (document.activeElement as HTMLElement | null)?.blur();
    for (const e of document.querySelectorAll('[data-a11y-stop]')) {
      e.removeAttribute('data-a11y-stop');
    }
    return w.a11yFocus.log;
  });
  const problems: string[] = [];
  const reached: number[] = [];
  for (const entry of log) {
    if (entry.what === 'start') break; // wrapped round
    if (entry.stop === null) {
      problems.push(`focus on something not in the page order: ${entry.what}`);
      continue;
    }
    const stop = Number(entry.stop);
    if (reached.at(-1) === stop) continue; // a date field's next part
    if (reached.includes(stop)) break; // wrapped round
    reached.push(stop);
    if (!entry.outlined) problems.push(`no focus outline on ${entry.what}`);
  }
  if (reached.join() !== expected.map((_, i) => i).join()) {
    const missed = expected.filter((_, i) => !reached.includes(i));
    problems.push(
      `tab order ${reached.join(',')} of ${expected.length} stops` +
        (missed.length > 0 ? `; never reached: ${missed.join(' | ')}` : ''),
    );
  }
  return problems;
}
