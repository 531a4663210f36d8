// The score sheet: the running total as the expert types, against the pack's pass mark, and a
// confirmation before the sheet is locked.
document.addEventListener("DOMContentLoaded", () => {
  const out = document.getElementById("sheet-total");
  if (out) {
    const form = out.closest("form") || document;
    const pass = Number(out.dataset.pass);
    const above = out.dataset.comparison === "above";
    const update = () => {
      let sum = 0;
      let blank = 0;
      for (const input of form.querySelectorAll("input[name^=score_]")) {
        const value = input.value.trim();
        if (value === "") { blank += 1; continue; }
        const number = Number(value);
        if (Number.isFinite(number)) sum += number;
      }
      out.value = sum.toFixed(1);
      out.textContent = sum.toFixed(1);
      const reaches = above ? sum > pass : sum >= pass;
      out.dataset.reaches = String(reaches);
      const left = document.getElementById("sheet-blank");
      if (left) left.textContent = String(blank);
    };
    form.addEventListener("input", update);
    update();
  }
  const submit = document.getElementById("submit-sheet");
  if (submit) {
    submit.addEventListener("click", (event) => {
      if (!window.confirm(submit.dataset.confirm)) event.preventDefault();
    });
  }
});
