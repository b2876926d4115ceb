// Coffer web app: the little script the pages need. No inline script anywhere (the CSP forbids it).
(function () {
  'use strict';
  // The viewer's time zone, so the server shows times in it (a cookie, read on the next page).
  try {
    var tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (tz && document.body && document.body.dataset.zone !== tz) {
      document.cookie = 'coffer_tz=' + encodeURIComponent(tz) + '; path=/; SameSite=Strict' +
        (location.protocol === 'https:' ? '; Secure' : '');
    }
  } catch (e) { /* keep UTC */ }

  function messages() { return Array.prototype.slice.call(document.querySelectorAll('.chat > li.msg, .chat > li.event')); }

  document.addEventListener('keydown', function (ev) {
    var t = ev.target;
    if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)) { return; }
    if (ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    var list = messages();
    if (!list.length) { return; }
    var i = list.indexOf(document.activeElement);
    if (ev.key === 'j' || ev.key === 'k') {
      var n = ev.key === 'j' ? (i < 0 ? 0 : Math.min(i + 1, list.length - 1)) : (i < 0 ? list.length - 1 : Math.max(i - 1, 0));
      list[n].focus();
      list[n].scrollIntoView({block: 'center'});
      ev.preventDefault();
    } else if (ev.key === 'Enter' && i >= 0) {
      var rec = list[i].querySelector('a.rec');
      if (rec) { location.href = rec.getAttribute('href'); }
    }
  });

  document.addEventListener('DOMContentLoaded', function () {
    // Open "around this message" at the message.
    var target = document.querySelector('.chat .target');
    if (target) { target.focus(); target.scrollIntoView({block: 'center'}); }
    else if (document.querySelector('.chat') && !location.hash) {
      var pager = document.querySelector('a.newer');
      if (!pager) { window.scrollTo(0, document.body.scrollHeight); }
    }
    // Image viewer: a dialog instead of leaving the conversation.
    var dialog = document.getElementById('viewer');
    if (dialog && dialog.showModal) {
      document.querySelectorAll('a.thumb').forEach(function (a) {
        a.addEventListener('click', function (ev) {
          ev.preventDefault();
          var img = document.getElementById('viewer-img');
          img.src = a.dataset.full;
          img.alt = a.querySelector('img').alt;
          dialog.showModal();
        });
      });
      dialog.addEventListener('click', function (ev) { if (ev.target === dialog) { dialog.close(); } });
    }
    document.querySelectorAll('select.autosubmit').forEach(function (s) {
      s.addEventListener('change', function () { s.form.submit(); });
    });
  });
})();
