// Row editors: a <fieldset data-rows> holds one [data-row] per entry and a <template> for a new
// one; "add" appends a row (its inputs named prefix-N-key with a fresh N), "remove" drops one.
// The server reads every prefix-N-key present, so gaps in N do not matter.
document.addEventListener("click", (event) => {
  const add = event.target.closest("[data-add-row]");
  if (add) {
    event.preventDefault();
    const box = document.getElementById(add.dataset.addRow);
    const next = Number(box.dataset.next || box.querySelectorAll("[data-row]").length);
    box.dataset.next = String(next + 1);
    const html = box.querySelector("template").innerHTML.replaceAll("__i__", String(next));
    box.querySelector("[data-rows-body]").insertAdjacentHTML("beforeend", html);
    const first = box.querySelector("[data-rows-body] [data-row]:last-child input, [data-rows-body] [data-row]:last-child textarea");
    if (first) first.focus();
    first && first.dispatchEvent(new Event("change", { bubbles: true }));
    return;
  }
  const remove = event.target.closest("[data-remove-row]");
  if (remove) {
    event.preventDefault();
    const row = remove.closest("[data-row]");
    const form = row.closest("form");
    row.remove();
    if (form) form.dispatchEvent(new Event("change", { bubbles: true }));
  }
});
// A confirmation before an irreversible step: <button data-confirm="…">.
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});
