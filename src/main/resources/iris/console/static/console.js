// Live updates for console pages over the event-bus bridge (outbound only): a message names what
// changed; the page fetches itself again and swaps the parts marked data-refresh.
(function () {
  'use strict';
  var body = document.body;
  var kind = body.getAttribute('data-live');
  if (!kind || typeof EventBus === 'undefined') {
    return;
  }
  var indicator = document.getElementById('live-status');
  var pending = null;
  var lastRefresh = 0;

  function setLive(on) {
    if (indicator) {
      indicator.className = on ? 'live-status on' : 'live-status';
      indicator.title = on ? 'live updates on' : 'live updates reconnecting';
    }
    body.setAttribute('data-connected', on ? 'true' : 'false');
  }

  // At most one fetch a second, the first 150 ms after a quiet spell: a burst of changes costs one.
  function refresh() {
    if (pending) {
      return;
    }
    var wait = Math.max(150, 1000 - (Date.now() - lastRefresh));
    pending = setTimeout(function () {
      pending = null;
      lastRefresh = Date.now();
      fetch(location.href, { credentials: 'same-origin', headers: { 'Accept': 'text/html' } })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (!html) { return; }
          var fresh = new DOMParser().parseFromString(html, 'text/html');
          document.querySelectorAll('[data-refresh]').forEach(function (part) {
            var next = fresh.getElementById(part.id);
            if (next) { part.innerHTML = next.innerHTML; }
          });
          body.setAttribute('data-refreshed', String(Date.now()));
        })
        .catch(function () {});
    }, wait);
  }

  function progress(message) {
    var bar = document.getElementById('job-progress');
    var text = document.getElementById('job-percent');
    if (bar && typeof message.percent === 'number') {
      bar.value = message.percent;
      if (text) { text.textContent = message.percent + ' %'; }
    }
  }

  function onIncidents(message) {
    if (kind === 'incidents') {
      refresh();
    } else if (kind === 'incident') {
      var id = Number(body.getAttribute('data-id'));
      var group = body.getAttribute('data-group');
      if ((message.ids || []).indexOf(id) >= 0 || (group && String(message.group_id) === group)) { refresh(); }
    }
  }

  function onEnrollment(message) {
    if (kind === 'enrollment') {
      if (String(message.job_id) === body.getAttribute('data-job')) {
        progress(message);
        refresh();
      }
    } else if (kind === 'batch') {
      if (String(message.batch_id) === body.getAttribute('data-batch')) { refresh(); }
    } else if (kind === 'enrollments') {
      refresh();
    }
  }

  var connectedBefore = false;

  function connect() {
    var bus = new EventBus('/eventbus');
    bus.onopen = function () {
      setLive(true);
      if (kind === 'incidents' || kind === 'incident') {
        bus.registerHandler('iris.live.incidents', function (err, m) { if (!err) { onIncidents(m.body); } });
      } else {
        bus.registerHandler('iris.live.enrollment', function (err, m) { if (!err) { onEnrollment(m.body); } });
      }
      if (connectedBefore) {
        refresh(); // what changed while the socket was down
      }
      connectedBefore = true;
    };
    bus.onclose = function () {
      setLive(false);
      setTimeout(connect, 3000);
    };
  }

  setLive(false);
  connect();
})();
