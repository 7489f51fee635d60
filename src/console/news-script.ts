/**
 * The news pages' enhancement, served at /console/news/assets/news.js (CSP script-src 'self').
 * Every page works without it; with it:
 *  - compose / edit: the LINE preview follows the typing (debounced POST /console/news/preview,
 *    the server renders the same card the bot sends);
 *  - send: the audience count follows the choices (debounced POST /console/news/audience);
 *  - job: the progress bar polls /console/news/jobs/:id/progress every 1.5 s until the job
 *    ends, shows only the actions (pause, resume, cancel) the new status allows, and an
 *    aria-live region says the status and each further tenth.
 * Requests carry the session's CSRF token in `x-csrf-token` (window.consoleCsrf).
 */

export const NEWS_JS = `
(function(){
  'use strict';
  function debounce(fn, ms){ var t; return function(){ clearTimeout(t); t = setTimeout(fn, ms); }; }
  function post(url, form){
    var body = new URLSearchParams();
    new FormData(form).forEach(function(v, k){ if (typeof v === 'string' && k !== '_csrf' && k !== 'step' && k !== 'action') body.append(k, v); });
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'x-csrf-token': window.consoleCsrf || '', 'content-type': 'application/x-www-form-urlencoded' },
      body: body
    });
  }
  // Posts the form marked data-<attr> to that URL as it changes; show(response) once the
  // newest request answers (an older one answering late is dropped).
  function follow(attr, targetId, ms, read, show){
    var form = document.querySelector('form[' + attr + ']');
    var target = document.getElementById(targetId);
    if (!form || !target) return;
    var seq = 0;
    var run = debounce(function(){
      var mine = ++seq;
      post(form.getAttribute(attr), form)
        .then(function(r){ return r.ok ? read(r) : null; })
        .then(function(v){ if (v !== null && mine === seq) show(target, v); })
        .catch(function(){});
    }, ms);
    form.addEventListener('input', run);
    form.addEventListener('change', run);
  }
  function preview(){
    follow('data-preview-url', 'news-preview', 400,
      function(r){ return r.text(); },
      function(target, html){ target.innerHTML = html; });
  }
  function audience(){
    follow('data-audience-url', 'audience-count', 300,
      function(r){ return r.json(); },
      function(target, j){ if (j) target.textContent = j.text; });
  }
  function progress(){
    var box = document.querySelector('[data-progress-url]');
    if (!box) return;
    var url = box.getAttribute('data-progress-url');
    var bar = box.querySelector('progress');
    var text = document.getElementById('job-progress-text');
    var status = document.getElementById('job-status');
    var batches = document.getElementById('job-batches');
    var live = document.getElementById('job-live');
    var actions = document.querySelectorAll('[data-job-action]');
    var lastStatus = box.getAttribute('data-status'), lastTenth = -1;
    function schedule(){ setTimeout(tick, 1500); }
    function tick(){
      fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } })
        .then(function(r){ return r.ok ? r.json() : null; })
        .then(function(p){
          if (!p) return schedule();
          if (bar) { bar.max = p.max; bar.value = p.value; bar.textContent = p.percent + '%'; }
          if (text) text.textContent = p.text;
          if (status) { status.textContent = p.statusText; status.className = p.badge; }
          if (batches) batches.textContent = p.batchesText;
          var tenth = Math.floor(p.percent / 10);
          if (live && (p.status !== lastStatus || tenth !== lastTenth)) {
            live.textContent = p.statusText + ': ' + p.text;
          }
          lastTenth = tenth;
          for (var i = 0; i < actions.length; i++) {
            actions[i].hidden = !(p.can && p.can[actions[i].getAttribute('data-job-action')]);
          }
          lastStatus = p.status;
          if (!p.finished) schedule();
        })
        .catch(schedule);
    }
    if (!box.hasAttribute('data-finished')) schedule();
  }
  (window.consoleHooks = window.consoleHooks || []).push(function(){ preview(); audience(); progress(); });
})();
`;
