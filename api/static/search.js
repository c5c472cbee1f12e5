// Search in the static copy of the catalogue: asks the live API named in data-api, shows the hits.
(function () {
  "use strict";
  var app = document.getElementById("search-app");
  if (!app || !app.dataset.api) { return; }
  var lang = app.dataset.lang;
  var params = new URLSearchParams(window.location.search);
  var input = document.getElementById("static-q");
  if (input) { input.value = params.get("q") || ""; }
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-hits");
  var pageTypes = { Variable: "variables", QuestionItem: "questions", QuestionGrid: "questions", Instrument: "instruments" };

  function pick(text) {
    if (!text) { return ""; }
    return text[lang] || text.fr || text.en || Object.values(text)[0] || "";
  }
  function pageOf(urn, type) {
    var parts = urn.split(":");  // urn:ddi:agency:id:version
    if (parts.length !== 5) { return null; }
    return "./" + (pageTypes[type] || "items") + "/" + parts[2] + "/" + parts[3] + "/" + parts[4] + ".html";
  }
  var query = new URLSearchParams();
  params.forEach(function (value, key) {
    if (["q", "study", "wave", "type", "concept", "representation", "data_source"].indexOf(key) >= 0) { query.append(key, value); }
  });
  query.set("limit", "50");
  status.textContent = app.dataset.searching;
  fetch(app.dataset.api.replace(/\/$/, "") + "/api/v1/search?" + query.toString(), { headers: { Accept: "application/json" } })
    .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
    .then(function (answer) {
      status.textContent = answer.total + " " + (answer.total === 1 ? app.dataset.result : app.dataset.results);
      if (!answer.hits.length) { status.textContent = app.dataset.noResult; }
      answer.hits.forEach(function (hit) {
        var item = document.createElement("li");
        item.className = "hit";
        var heading = document.createElement("h2");
        var link = document.createElement("a");
        link.href = pageOf(hit.urn, hit.type) || (app.dataset.api + "/items/" + hit.urn);
        if (hit.name) { var code = document.createElement("code"); code.textContent = hit.name; link.appendChild(code); link.appendChild(document.createTextNode(" ")); }
        link.appendChild(document.createTextNode(pick(hit.label) || pick(hit.question_text)));
        heading.appendChild(link);
        var meta = document.createElement("p");
        meta.className = "meta";
        meta.textContent = hit.type + " · " + hit.study + (hit.waves.length ? " · " + hit.waves.join(", ") : "");
        item.appendChild(heading);
        item.appendChild(meta);
        list.appendChild(item);
      });
    })
    .catch(function () { status.textContent = app.dataset.failed; });
}());
