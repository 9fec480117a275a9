// Reading aids for every page: text size (three steps) and high contrast,
// remembered across pages. Loaded in <head> so the saved choice applies
// before the page is drawn; no inline script (the CSP forbids it).
(function () {
  var root = document.documentElement;
  var store = {
    get: function (k) {
      try { return window.localStorage.getItem(k); } catch (e) { return null; }
    },
    set: function (k, v) {
      try { if (v) window.localStorage.setItem(k, v); else window.localStorage.removeItem(k); } catch (e) { /* private mode: this page only */ }
    },
  };
  root.classList.add('js');
  var font = store.get('qingdan-font');
  if (font === 'large' || font === 'xlarge') root.setAttribute('data-font', font);
  if (store.get('qingdan-contrast') === 'high') root.setAttribute('data-contrast', 'high');

  function sync() {
    var current = root.getAttribute('data-font') || '';
    var buttons = document.querySelectorAll('[data-set-font]');
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute('aria-pressed', String(buttons[i].getAttribute('data-set-font') === current));
    }
    var contrast = document.getElementById('contrast-toggle');
    if (contrast) contrast.setAttribute('aria-pressed', String(root.getAttribute('data-contrast') === 'high'));
  }

  document.addEventListener('DOMContentLoaded', function () {
    var buttons = document.querySelectorAll('[data-set-font]');
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener('click', function (e) {
        var size = e.currentTarget.getAttribute('data-set-font');
        if (size) root.setAttribute('data-font', size);
        else root.removeAttribute('data-font');
        store.set('qingdan-font', size);
        sync();
      });
    }
    var contrast = document.getElementById('contrast-toggle');
    if (contrast) {
      contrast.addEventListener('click', function () {
        var high = root.getAttribute('data-contrast') !== 'high';
        if (high) root.setAttribute('data-contrast', 'high');
        else root.removeAttribute('data-contrast');
        store.set('qingdan-contrast', high ? 'high' : '');
        sync();
      });
    }
    sync();
    menu();
  });

  // The 菜单 button of narrow screens (style.css shows it only when this
  // script runs, html.js): a disclosure that opens the navigation below it.
  // Without JavaScript the navigation is simply shown as a list of links.
  function menu() {
    var button = document.querySelector('.menu-toggle');
    var header = document.querySelector('.site-header');
    var panel = button && document.getElementById(button.getAttribute('aria-controls'));
    if (!button || !header || !panel) return;
    function set(open) {
      button.setAttribute('aria-expanded', String(open));
      header.classList.toggle('menu-open', open);
    }
    button.addEventListener('click', function () {
      set(button.getAttribute('aria-expanded') !== 'true');
    });
    // Escape closes the menu from the button or from inside it, and gives
    // the focus back to the button so the reader is not lost.
    header.addEventListener('keydown', function (e) {
      if (e.key !== 'Escape' || button.getAttribute('aria-expanded') !== 'true') return;
      if (e.target !== button && !panel.contains(e.target)) return;
      set(false);
      button.focus();
    });
  }
})();
