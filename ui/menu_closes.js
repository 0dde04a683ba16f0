// On a phone the menu lies over the page, and choosing a page left it there.
//
// Streamlit's own navigation closes the menu on narrow screens when a page is chosen;
// the app draws its menu with page links (translated labels), which do not. This
// listener does what a person would: after a click on a menu link, when the menu
// covers the page rather than standing beside it, it presses the menu's close button.
// It is loaded once per browser tab.
(() => {
  if (window.retentionMenuCloses) return;
  window.retentionMenuCloses = true;
  document.addEventListener(
    "click",
    (event) => {
      const link = event.target.closest?.('[data-testid="stSidebar"] a[href]');
      if (!link) return;
      const menu = document.querySelector('[data-testid="stSidebar"]');
      const page = document.querySelector('[data-testid="stMain"]');
      if (!menu || !page) return;
      const covers = menu.getBoundingClientRect().right > page.getBoundingClientRect().left + 1;
      const close = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
      if (covers && close) setTimeout(() => close.click(), 0);
    },
    true,
  );
})();
