/* Search fields of the report's team and manager filters (templates/reports/certification.html
   `choice_filter`). Without this script the field takes an exact code or employee number and
   the server resolves it; with it, the matches the server finds (by code or by name, in either
   language) are offered as one types, and choosing one puts its code in the field. */
(function () {
  "use strict";

  function setUp(box) {
    var input = box.querySelector("input");
    var list = box.querySelector(".filter-search-matches");
    var chosenName = box.querySelector(".filter-search-chosen");
    var status = box.querySelector(".filter-search-status");
    var lang = document.documentElement.lang === "ar" ? "ar" : "en";
    var items = [];
    var active = -1;
    var timer = null;
    var asked = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function mark(index) {
      var options = list.querySelectorAll("[role=option]");
      options.forEach(function (option, i) { option.setAttribute("aria-selected", i === index); });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      }
    }

    function choose(index) {
      var item = items[index];
      input.value = item.code;
      chosenName.textContent = item.label;
      close();
    }

    function show(found) {
      items = found;
      list.textContent = "";
      found.forEach(function (item, index) {
        var option = document.createElement("li");
        option.id = input.id + "-match-" + index;
        option.setAttribute("role", "option");
        option.className = "filter-search-match";
        var name = document.createElement("bdi");
        name.textContent = item.label;
        var other = document.createElement("bdi");
        other.className = "small text-muted";
        other.textContent = " " + (lang === "ar" ? item.name_en : item.name_ar) + " · " + item.code;
        option.appendChild(name);
        option.appendChild(other);
        option.addEventListener("mousedown", function (event) { event.preventDefault(); });
        option.addEventListener("click", function () { choose(index); });
        list.appendChild(option);
      });
      status.textContent = found.length
        ? status.dataset.template.replace("{n}", found.length.toLocaleString(lang))
        : status.dataset.none;
      list.hidden = !found.length;
      input.setAttribute("aria-expanded", found.length ? "true" : "false");
      active = -1;
    }

    function ask() {
      var text = input.value.trim();
      var number = ++asked;
      if (!text) { show([]); return; }
      fetch(box.dataset.filterSearch + "?q=" + encodeURIComponent(text), {
        credentials: "same-origin", headers: { Accept: "application/json" }
      })
        .then(function (response) { return response.ok ? response.json() : { items: [] }; })
        .then(function (body) { if (number === asked) { show(body.items || []); } })
        .catch(function () { if (number === asked) { show([]); } });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        mark((active + step + items.length) % items.length);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();  // Enter chooses the marked match; the next Enter submits
        choose(active);
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", close);
  }

  document.querySelectorAll("[data-filter-search]").forEach(setUp);
})();
