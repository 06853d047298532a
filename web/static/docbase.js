/* docbase: progressive enhancements only (every page works without this file).
   1. Autocomplete on search boxes (ARIA 1.2 combobox with a listbox popup).
   2. A filter box on long facet lists.
   3. The staff editor: authority values offered in a <datalist> as one types.
   4. The copy button of a record's reference. */
(function () {
  "use strict";
  var lang = document.documentElement.lang || "fr";
  var T = {
    fr: { filter: "Filtrer les valeurs", results: " suggestions disponibles, flèches haut et bas pour choisir", kinds: { title: "titre", author: "auteur", subject: "sujet", descriptor: "descripteur", series: "collection", keyword: "mot-clé" } },
    en: { filter: "Filter values", results: " suggestions available, use up and down arrows", kinds: { title: "title", author: "author", subject: "subject", descriptor: "descriptor", series: "series", keyword: "keyword" } }
  }[lang === "en" ? "en" : "fr"];
  var counter = 0;

  function autocomplete(input) {
    var url = input.getAttribute("data-autocomplete");
    var row = input.parentNode;
    var id = "ac-" + (++counter);
    var list = document.createElement("ul");
    list.id = id;
    list.className = "ac-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggestions");
    list.hidden = true;
    row.appendChild(list);
    var live = document.createElement("p");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    row.appendChild(live);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id);
    var active = -1, timer = null, seq = 0;

    function close() {
      list.hidden = true;
      list.innerHTML = "";
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function options() { return list.querySelectorAll("[role=option]"); }
    function highlight(i) {
      var opts = options();
      if (!opts.length) return;
      active = (i + opts.length) % opts.length;
      for (var k = 0; k < opts.length; k++) opts[k].setAttribute("aria-selected", k === active ? "true" : "false");
      input.setAttribute("aria-activedescendant", opts[active].id);
      opts[active].scrollIntoView({ block: "nearest" });
    }
    // data-multiple (the thesaurus editor): values separated by « ; », the last one completed
    var multiple = input.hasAttribute("data-multiple");
    function parts() { return input.value.split(";"); }
    function choose(opt) {
      if (multiple) {
        var kept = parts().slice(0, -1).map(function (p) { return p.trim(); });
        input.value = kept.concat([opt.getAttribute("data-value")]).join(" ; ");
      } else {
        input.value = opt.getAttribute("data-value");
      }
      close();
      if (input.form && !multiple) input.form.submit();
    }
    function show(items) {
      list.innerHTML = "";
      items.forEach(function (item, i) {
        var li = document.createElement("li");
        li.id = id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.setAttribute("data-value", item.label);
        li.textContent = item.label;
        var kind = T.kinds[item.kind];
        if (kind) {
          var span = document.createElement("span");
          span.className = "ac-kind";
          span.textContent = "(" + kind + ")";
          li.appendChild(span);
        }
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(li); });
        list.appendChild(li);
      });
      var open = items.length > 0;
      list.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
      live.textContent = open ? items.length + T.results : "";
      active = -1;
    }
    function fetchSuggestions() {
      var value = (multiple ? parts().pop() : input.value).trim();
      if (value.length < 2) { close(); return; }
      var mine = ++seq;
      fetch(url + "?q=" + encodeURIComponent(value), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (items) { if (mine === seq && document.activeElement === input) show(items || []); })
        .catch(function () { close(); });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, 150);
    });
    input.addEventListener("keydown", function (e) {
      var openList = !list.hidden;
      if (e.key === "ArrowDown") { if (openList) { highlight(active + 1); e.preventDefault(); } }
      else if (e.key === "ArrowUp") { if (openList) { highlight(active - 1); e.preventDefault(); } }
      else if (e.key === "Escape") { if (openList) { close(); e.preventDefault(); } }
      else if (e.key === "Enter") {
        var opts = options();
        if (openList && active >= 0 && opts[active]) { e.preventDefault(); choose(opts[active]); }
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  function facetFilter(fieldset) {
    var items = fieldset.querySelectorAll("li");
    if (items.length < 8) return;
    var legend = fieldset.querySelector("legend");
    var id = "ff-" + (++counter);
    var label = document.createElement("label");
    label.className = "visually-hidden";
    label.htmlFor = id;
    label.textContent = T.filter + (legend ? " : " + legend.textContent : "");
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.className = "facet-filter-input";
    input.placeholder = T.filter;
    input.addEventListener("input", function () {
      var needle = input.value.trim().toLowerCase();
      for (var i = 0; i < items.length; i++) {
        var text = items[i].textContent.toLowerCase();
        items[i].hidden = needle !== "" && text.indexOf(needle) < 0 && !items[i].querySelector("input:checked");
      }
    });
    input.addEventListener("keydown", function (e) { if (e.key === "Enter") e.preventDefault(); });
    legend.insertAdjacentElement("afterend", input);
    input.insertAdjacentElement("beforebegin", label);
  }

  function authorityList(input) {
    var list = document.createElement("datalist");
    list.id = "dl-" + (++counter);
    input.insertAdjacentElement("afterend", list);
    input.setAttribute("list", list.id);
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) return;
      timer = setTimeout(function () {
        fetch(input.getAttribute("data-complete") + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (values) {
            list.textContent = "";
            values.forEach(function (v) { var o = document.createElement("option"); o.value = v; list.appendChild(o); });
          })
          .catch(function () {});
      }, 200);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var fields = document.querySelectorAll("input[data-complete]");
    for (var k = 0; k < fields.length; k++) authorityList(fields[k]);
    var inputs = document.querySelectorAll("input[data-autocomplete]");
    for (var i = 0; i < inputs.length; i++) autocomplete(inputs[i]);
    var sets = document.querySelectorAll("fieldset.facet");
    for (var j = 0; j < sets.length; j++) facetFilter(sets[j]);
    var copies = document.querySelectorAll("button[data-copy]");
    for (var k = 0; k < copies.length; k++) copyButton(copies[k]);
  });

  // 3. « Copier la référence »: the text is on the page already; this only copies it.
  function copyButton(button) {
    var target = document.getElementById(button.getAttribute("data-copy"));
    if (!target || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(target.textContent.trim()).then(function () {
        button.textContent = button.getAttribute("data-copied");
      });
    });
  }
})();
