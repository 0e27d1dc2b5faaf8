// Progress pages: chart selectors submit on change; the member entry grid adds rows on Enter.
(function () {
  document.addEventListener("change", (event) => {
    const select = event.target.closest("[data-autosubmit]");
    if (select && select.form) {
      select.form.submit();
    }
  });

  const grid = document.getElementById("entry-grid");
  if (!grid) {
    return;
  }
  const counter = document.getElementById("row-count");
  const body = grid.querySelector("tbody");

  function addRow() {
    const last = body.lastElementChild;
    const index = Number(counter.value);
    const row = last.cloneNode(true);
    row.dataset.row = String(index);
    row.firstElementChild.textContent = String(index + 1);
    row.querySelectorAll("input, select").forEach((field) => {
      field.name = field.name.replace(/^row-\d+-/, `row-${index}-`);
      field.value = "";
      field.classList.remove("bad");
      const label = field.getAttribute("aria-label") || "";
      field.setAttribute("aria-label", label.replace(/\d+$/, String(index + 1)));
    });
    body.appendChild(row);
    counter.value = String(index + 1);
    return row;
  }

  document.getElementById("add-row").addEventListener("click", () => {
    addRow().querySelector("input").focus();
  });

  grid.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") {
      return;
    }
    const field = event.target.closest("input, select");
    if (!field) {
      return;
    }
    event.preventDefault();
    const row = field.closest("tr");
    const next = row.nextElementSibling || (field.hasAttribute("data-last") ? addRow() : null);
    if (field.hasAttribute("data-last") && next) {
      next.querySelector("input").focus();
    } else {
      // Enter elsewhere moves to the next cell, like Tab.
      const cells = Array.from(row.querySelectorAll("input, select"));
      const after = cells[cells.indexOf(field) + 1];
      if (after) {
        after.focus();
      }
    }
  });
})();
