// One date input everywhere (core/dates.py): a text input marked data-datepicker takes
// dd/mm/yyyy typed by hand (a pasted yyyy-mm-dd or dd-mm-yyyy is rewritten dd/mm/yyyy); the
// small calendar button beside it opens the browser's own picker (showPicker() on one hidden
// <input type="date">) or, where there is none, a month grid drawn here, and writes the chosen
// day back as dd/mm/yyyy. No inline script or style attribute (the Content-Security-Policy);
// clicks are delegated and a MutationObserver enhances inputs added later (htmx swaps, the
// cloned rows of the multi-row entry forms). Alt+↓ in the field opens the picker too.
(() => {
  const texts = document.body.dataset;
  const LABEL = texts.datepickerLabel || "Chọn ngày";
  const SVG = "http://www.w3.org/2000/svg";
  const lang = document.documentElement.lang || "vi";
  let current = null; // the text input the open picker writes to
  let native = null; // the one hidden <input type="date">
  let pop = null; // the drawn month grid, when open

  const pad = (n) => String(n).padStart(2, "0");
  const shown = (d) => `${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()}`;
  const iso = (d) => `${String(d.getFullYear()).padStart(4, "0")}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

  // dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy) or yyyy-mm-dd → a Date, else null.
  function parse(text) {
    const value = (text || "").trim();
    let match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(value);
    let day;
    let month;
    let year;
    if (match) {
      [day, month, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
    } else if ((match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value))) {
      [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    } else {
      return null;
    }
    const date = new Date(year, month - 1, day);
    date.setFullYear(year); // years below 100 stay themselves
    const valid = date.getFullYear() === year && date.getMonth() === month - 1 && date.getDate() === day;
    return valid ? date : null;
  }

  function write(input, date) {
    input.value = shown(date);
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
    input.focus();
  }

  function icon() {
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("d", "M7 2v3M17 2v3M3.5 9h17M5 4.5h14a1.5 1.5 0 0 1 1.5 1.5v13a1.5 1.5 0 0 1-1.5 1.5H5A1.5 1.5 0 0 1 3.5 19V6A1.5 1.5 0 0 1 5 4.5z");
    path.setAttribute("fill", "none");
    path.setAttribute("stroke", "currentColor");
    path.setAttribute("stroke-width", "1.8");
    path.setAttribute("stroke-linecap", "round");
    svg.append(path);
    return svg;
  }

  function enhance(root) {
    if (!(root instanceof Element)) {
      return;
    }
    const inputs = root.matches("input[data-datepicker]") ? [root] : root.querySelectorAll("input[data-datepicker]");
    inputs.forEach((input) => {
      if (input.parentElement && input.parentElement.classList.contains("datepicker")) {
        return; // already done (or a cloned row that carries its button)
      }
      const focused = document.activeElement === input;
      const wrap = document.createElement("span");
      wrap.className = "datepicker";
      const button = document.createElement("button");
      button.type = "button";
      button.className = "datepicker-button";
      button.tabIndex = -1; // Tab goes from field to field; Alt+↓ opens the picker
      button.title = LABEL;
      button.setAttribute("aria-label", LABEL);
      button.append(icon());
      input.before(wrap);
      wrap.append(input, button);
      if (focused) {
        input.focus();
      }
    });
  }

  function place(element, input) {
    const box = input.getBoundingClientRect();
    const width = document.documentElement.clientWidth;
    element.style.top = `${box.bottom + window.scrollY + 2}px`;
    const left = Math.max(4, Math.min(box.left, width - element.offsetWidth - 4));
    element.style.left = `${left + window.scrollX}px`;
  }

  function nativeInput() {
    if (!native) {
      native = document.createElement("input");
      native.type = "date";
      native.className = "datepicker-native";
      native.tabIndex = -1;
      native.setAttribute("aria-hidden", "true");
      const take = () => {
        const date = parse(native.value);
        if (current && date) {
          write(current, date);
        }
      };
      native.addEventListener("change", take);
      native.addEventListener("input", take);
      document.body.append(native);
    }
    return native;
  }

  function close() {
    if (pop) {
      pop.remove();
      pop = null;
    }
  }

  function open(input) {
    close();
    if (input.disabled || input.readOnly) {
      return;
    }
    current = input;
    const chosen = parse(input.value);
    const picker = nativeInput();
    place(picker, input);
    picker.value = chosen ? iso(chosen) : "";
    if (picker.type === "date" && typeof picker.showPicker === "function") {
      try {
        picker.showPicker();
        return;
      } catch (error) {
        // not allowed here (no user gesture, an old browser): draw the grid instead
      }
    }
    grid(input, chosen);
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    node.className = className;
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function grid(input, chosen) {
    const title = new Intl.DateTimeFormat(lang, { month: "long", year: "numeric" });
    const weekday = new Intl.DateTimeFormat(lang, { weekday: "narrow" });
    const today = iso(new Date());
    let month = chosen || new Date();
    month = new Date(month.getFullYear(), month.getMonth(), 1);
    pop = element("div", "datepicker-pop");
    pop.setAttribute("role", "dialog");
    pop.setAttribute("aria-label", LABEL);

    function draw() {
      const year = month.getFullYear();
      const index = month.getMonth();
      const head = element("div", "datepicker-head");
      const prev = element("button", "datepicker-nav", "‹");
      prev.type = "button";
      prev.dataset.step = "-1";
      prev.setAttribute("aria-label", texts.datepickerPrev || "Tháng trước");
      const next = element("button", "datepicker-nav", "›");
      next.type = "button";
      next.dataset.step = "1";
      next.setAttribute("aria-label", texts.datepickerNext || "Tháng sau");
      const name = title.format(month); // "tháng 7 năm 2024" → "Tháng 7 năm 2024"
      head.append(prev, element("span", "datepicker-title", name[0].toUpperCase() + name.slice(1)), next);
      const table = element("table", "datepicker-grid");
      const names = table.createTHead().insertRow();
      for (let i = 0; i < 7; i += 1) {
        names.append(element("th", "", weekday.format(new Date(2024, 0, 1 + i)))); // Monday first
      }
      const body = table.createTBody();
      const blank = (month.getDay() + 6) % 7;
      const days = new Date(year, index + 1, 0).getDate();
      let row = null;
      for (let i = 0; i < blank + days; i += 1) {
        if (i % 7 === 0) {
          row = body.insertRow();
        }
        const cell = row.insertCell();
        if (i >= blank) {
          const date = new Date(year, index, i - blank + 1);
          const day = element("button", "datepicker-day", String(date.getDate()));
          day.type = "button";
          day.dataset.date = iso(date);
          day.setAttribute("aria-label", shown(date));
          if (day.dataset.date === today) {
            day.classList.add("today");
          }
          if (chosen && day.dataset.date === iso(chosen)) {
            day.setAttribute("aria-pressed", "true");
          }
          cell.append(day);
        }
      }
      pop.replaceChildren(head, table);
    }

    pop.addEventListener("click", (event) => {
      event.stopPropagation(); // a click inside is not a click outside
      const nav = event.target.closest("[data-step]");
      const day = event.target.closest("[data-date]");
      if (nav) {
        month = new Date(month.getFullYear(), month.getMonth() + Number(nav.dataset.step), 1);
        draw();
        pop.querySelector(`[data-step="${nav.dataset.step}"]`).focus();
      } else if (day) {
        close();
        write(input, parse(day.dataset.date));
      }
    });
    draw();
    document.body.append(pop);
    place(pop, input);
    (pop.querySelector("[aria-pressed=true]") || pop.querySelector(".today") || pop.querySelector("[data-date]")).focus();
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest(".datepicker-button");
    if (button) {
      open(button.parentElement.querySelector("input[data-datepicker]"));
    } else {
      close();
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && pop) {
      close();
      if (current) {
        current.focus();
      }
    } else if (event.key === "ArrowDown" && event.altKey && event.target.matches("input[data-datepicker]")) {
      event.preventDefault();
      open(event.target);
    }
  });

  // Typed or pasted yyyy-mm-dd / dd-mm-yyyy / d/m/yyyy is shown dd/mm/yyyy once the field is left.
  document.addEventListener("change", (event) => {
    const input = event.target;
    if (input.matches && input.matches("input[data-datepicker]")) {
      const date = parse(input.value);
      if (date && shown(date) !== input.value) {
        input.value = shown(date);
      }
    }
  });

  enhance(document.body);
  new MutationObserver((changes) => {
    changes.forEach((change) => change.addedNodes.forEach(enhance));
  }).observe(document.body, { childList: true, subtree: true });
  document.addEventListener("htmx:load", (event) => enhance(event.target));
})();
