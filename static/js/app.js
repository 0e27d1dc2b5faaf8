// Small behaviours without inline script (the Content-Security-Policy forbids inline code).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});
// Print buttons.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
// Phones: the top bar's menu (links, account, "Đăng xuất") folds behind one button. Without
// this script the button stays hidden and the menu is shown in full.
(() => {
  const bar = document.querySelector(".topbar");
  const toggle = bar && bar.querySelector(".menu-toggle");
  if (!toggle) {
    return;
  }
  toggle.hidden = false;
  bar.classList.add("menu-ready");
  toggle.addEventListener("click", () => {
    const open = bar.classList.toggle("open");
    toggle.setAttribute("aria-expanded", String(open));
  });
})();
