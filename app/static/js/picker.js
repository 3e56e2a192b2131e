/* Searchable checkbox lists (templates/_form.html `picker`). Without this script the lists work
   as plain checkboxes; with it a search box filters each list as one types. Matching ignores
   case, Arabic diacritics and tatweel, and the different forms of alef, ya and ta marbuta. */
(function () {
  "use strict";

  function fold(text) {
    return text
      .normalize("NFKD")
      .replace(/[\u064B-\u065F\u0670\u0640\u0300-\u036F]/g, "")
      .replace(/[\u0622\u0623\u0625\u0671]/g, "\u0627")
      .replace(/\u0649/g, "\u064A")
      .replace(/\u0629/g, "\u0647")
      .toLowerCase()
      .trim();
  }

  function setUp(picker) {
    var tools = picker.querySelector(".picker-tools");
    var search = picker.querySelector(".picker-search");
    var count = picker.querySelector(".picker-count");
    var items = Array.prototype.slice.call(picker.querySelectorAll(".picker-item"));
    var texts = items.map(function (item) { return fold(item.textContent); });

    function update() {
      var wanted = fold(search.value);
      var shown = 0;
      items.forEach(function (item, index) {
        var box = item.querySelector("input");
        var match = !wanted || texts[index].indexOf(wanted) !== -1 || (box && box.checked);
        item.hidden = !match;
        if (match) { shown += 1; }
      });
      var chosen = picker.querySelectorAll("input[type=checkbox]:checked").length;
      count.textContent = count.dataset.template
        .replace("{shown}", shown).replace("{chosen}", chosen);
    }

    tools.hidden = false;
    search.addEventListener("input", update);
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }  // Enter filters, never submits
    });
    picker.addEventListener("change", update);
    update();
  }

  document.querySelectorAll("[data-picker]").forEach(setUp);
})();
