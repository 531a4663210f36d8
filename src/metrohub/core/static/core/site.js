// Behaviour without inline script: everything hooks onto data-* attributes.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-toggle=nav]")) {
    button.addEventListener("click", () => {
      const nav = document.getElementById(button.getAttribute("aria-controls"));
      const open = nav.classList.toggle("open");
      button.setAttribute("aria-expanded", String(open));
    });
  }
});

// Error pages: "Back to the previous page" where there is one to go back to.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-back]")) {
    if (window.history.length > 1) {
      button.hidden = false;
      button.addEventListener("click", () => window.history.back());
    }
  }
});

// A table that scrolls sideways (phones) takes the keyboard focus, so that it can be scrolled
// without a mouse.
document.addEventListener("DOMContentLoaded", () => {
  for (const box of document.querySelectorAll(".table, .uc-scroll")) {
    if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) {
      box.tabIndex = 0;
    }
  }
});
