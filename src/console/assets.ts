/**
 * The console's stylesheet and script, served from /console/assets/ (no file system, so the
 * Worker serves them too). Pages work without the script; it only enhances (live preview,
 * audience counts, progress polling), each page marking what it enhances with data-* attributes.
 */

export const CONSOLE_CSS = `
:root{--fg:#1a1a1a;--muted:#4d4d4d;--bg:#fff;--panel:#f5f6f8;--line:#c9ced6;--brand:#0b5394;--brand-fg:#fff;--ok:#1e6b2f;--warn:#8a4b00;--bad:#a1261b;--focus:#ffbf47;--line-green:#047a3a}
*{box-sizing:border-box}
html{font-family:"Noto Sans Thai","Sarabun",system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:16px;line-height:1.5;color:var(--fg);background:var(--bg)}
body{margin:0}
a{color:var(--brand)}
a:focus,button:focus,input:focus,select:focus,textarea:focus,summary:focus,.table-wrap:focus{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-9999px;top:0}.skip:focus{left:8px;top:8px;background:var(--bg);padding:10px 12px;z-index:10}
header.top{background:var(--brand);color:var(--brand-fg);padding:8px 16px;display:flex;flex-wrap:wrap;gap:8px;align-items:center;justify-content:space-between}
header.top a{color:var(--brand-fg)}
header.top .brand{font-weight:700;font-size:1.1rem;text-decoration:none;display:inline-flex;align-items:center;min-height:44px}
nav.main ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:4px}
nav.main a{display:inline-block;padding:10px 12px;min-height:44px;min-width:44px;text-align:center;text-decoration:none;border-radius:4px}
nav.main a[aria-current=page]{background:rgba(255,255,255,.2);font-weight:700}
.who{font-size:.9rem}
.who a{display:inline-flex;align-items:center;min-height:44px;padding:0 4px}
main{max-width:1100px;margin:0 auto;padding:16px}
h1{font-size:1.5rem;margin:.5rem 0 1rem}h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
form.stack{display:grid;gap:12px;max-width:560px}
label{font-weight:600;display:block}
.hint{color:var(--muted);font-size:.9rem;font-weight:400}
input[type=text],input[type=date],input[type=email],input[type=password],input[type=url],input[type=number],input[type=datetime-local],input[type=search],select,textarea{width:100%;padding:10px;font:inherit;border:1px solid #767676;border-radius:4px;min-height:44px;background:#fff;color:var(--fg)}
textarea{min-height:8rem}
button,.button{display:inline-flex;align-items:center;justify-content:center;min-height:44px;min-width:44px;padding:8px 16px;font:inherit;font-weight:600;border-radius:4px;border:2px solid var(--brand);background:var(--brand);color:var(--brand-fg);cursor:pointer;text-decoration:none}
button.secondary,.button.secondary{background:#fff;color:var(--brand)}
button.danger{background:var(--bad);border-color:var(--bad)}
button:disabled{opacity:.6;cursor:not-allowed}
.actions{display:flex;flex-wrap:wrap;gap:8px;align-items:center}
.actions>a:not(.button){display:inline-flex;align-items:center;justify-content:center;min-height:44px;min-width:44px;padding:0 4px}
.flash{padding:12px;border-radius:4px;margin:0 0 16px;border-left:6px solid}
.flash.ok{background:#e8f4ea;border-color:var(--ok)}.flash.error{background:#fbeae8;border-color:var(--bad)}.flash.info{background:#eaf1f8;border-color:var(--brand)}
table{border-collapse:collapse;width:100%;margin:8px 0}
th,td{text-align:left;padding:8px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:var(--panel)}
.table-wrap{overflow-x:auto}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:12px}
.card{background:var(--panel);border-radius:8px;padding:12px}
.card .n{font-size:1.6rem;font-weight:700}
.badge{display:inline-block;padding:2px 8px;border-radius:999px;font-size:.85rem;font-weight:600;background:var(--panel);border:1px solid var(--line)}
.badge.ok{color:var(--ok);border-color:var(--ok)}.badge.warn{color:var(--warn);border-color:var(--warn)}.badge.bad{color:var(--bad);border-color:var(--bad)}
progress{width:100%;height:24px}
.muted{color:var(--muted)}
.inline{display:inline}
[hidden]{display:none!important}
fieldset{border:1px solid var(--line);border-radius:4px;padding:8px 12px;margin:0}
legend{font-weight:600;padding:0 4px}
label.choice{display:flex;align-items:center;gap:8px;min-height:44px;font-weight:400}
label:has(>input[type=checkbox]),label:has(>input[type=radio]){min-height:44px;padding:10px 0}
input[type=checkbox],input[type=radio]{width:20px;height:20px;vertical-align:middle}
summary{min-height:44px;padding:10px 0;cursor:pointer}
td details{min-width:16rem}
.field-error{color:var(--bad);font-weight:600;margin:4px 0 0}
[aria-invalid=true]{border-color:var(--bad);border-width:2px}
ul.plain{list-style:none;margin:0;padding:0}
.line-alt{font-size:.85rem;margin:0 0 8px}
.line-quick{display:flex;flex-wrap:wrap;gap:6px;margin:8px 0 0}
.line-bubble .body p{margin:0 0 6px}
.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:12px}
meter{width:100%;height:24px}
figure{margin:0 0 16px}
search{display:block}
.visually-hidden{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.grid2{display:grid;grid-template-columns:1fr;gap:16px}
@media (min-width:900px){.grid2{grid-template-columns:1fr 1fr}}
.line-phone{background:#8cabd9;border-radius:16px;padding:16px;max-width:360px}
.line-bubble{background:#fff;border-radius:12px;overflow:hidden;box-shadow:0 1px 2px rgba(0,0,0,.2)}
.line-bubble img{width:100%;display:block;aspect-ratio:20/13;object-fit:cover}
.line-bubble .body{padding:12px}.line-bubble .title{font-weight:700;font-size:1.05rem}
.line-bubble .footer{padding:8px 12px 12px}.line-bubble .footer span{display:block;text-align:center;color:var(--line-green);font-weight:700;padding:6px;border-top:1px solid #eee}
@media (max-width:700px){
  nav.main a{padding:10px 8px}
  /* Wide tables whose 4th and 5th columns (dates) matter less than the text on a phone. */
  table.phone-hide-4-5 tr>:nth-child(4),table.phone-hide-4-5 tr>:nth-child(5){display:none}
  table.phone-hide-4-5 tr>:nth-child(2){min-width:11rem}
  header.top{align-items:flex-start}
  main{padding:12px}
}
`;

export const CONSOLE_JS = `
(function(){
  'use strict';
  var csrf = document.querySelector('meta[name=csrf-token]');
  window.consoleCsrf = csrf ? csrf.getAttribute('content') : '';
  // Buttons that ask before they act: data-confirm="question".
  document.addEventListener('submit', function(e){
    var f = e.target, b = e.submitter;
    var q = (b && b.getAttribute('data-confirm')) || f.getAttribute('data-confirm');
    if (q && !window.confirm(q)) e.preventDefault();
  });
  // Page enhancements register themselves here.
  var hooks = window.consoleHooks || [];
  for (var i = 0; i < hooks.length; i++) try { hooks[i](); } catch (err) { console.error(err); }
})();
`;
