// Maps for the place pages. The server-rendered list is the page; the map is an enhancement:
// it stays hidden unless Leaflet and the data (written by Django's json_script) are both here.
// Tiles come from OpenStreetMap, fetched by the reader's browser; when they fail, the circles
// still show where each place is and a status line says so. Popups are built from DOM nodes and
// textContent, never from HTML strings, so no name can inject markup.
(function () {
  "use strict";

  var TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
  var ATTRIBUTION =
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';
  // How close to zoom when a map shows a single place, by the kind of place.
  var ZOOM = { country: 5, region: 7, river: 6, city: 10, facility: 12, other: 8 };

  function readPlaces(id) {
    var node = id && document.getElementById(id);
    if (!node) { return []; }
    try {
      var data = JSON.parse(node.textContent);
      return Array.isArray(data) ? data.filter(hasPosition) : [];
    } catch (error) {
      return [];
    }
  }

  function hasPosition(place) {
    return place && typeof place.lat === "number" && typeof place.lng === "number" &&
      isFinite(place.lat) && isFinite(place.lng);
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    node.className = className;
    node.textContent = text;
    return node;
  }

  function popupContent(place) {
    var box = document.createElement("div");
    box.className = "map-popup";
    // Names in their own direction context (dir=auto, <bdi>): an override in one stays in it.
    var name = element("p", "map-popup-name", String(place.name));
    name.dir = "auto";
    box.appendChild(name);
    var meta = [place.kind_label, place.country].filter(Boolean).join(" · ");
    if (meta) { box.appendChild(element("p", "map-popup-meta", meta)); }
    var n = Number(place.mentions) || 0;
    box.appendChild(element("p", "map-popup-count", n + (n === 1 ? " mention" : " mentions")));
    // Only a same-site path: a URL from the data can never become a javascript: link.
    if (typeof place.url === "string" && /^\/(?!\/)/.test(place.url)) {
      var link = element("a", "map-popup-link", "Mentions and quotes: ");
      link.appendChild(element("bdi", "", String(place.name)));
      link.href = place.url;
      box.appendChild(link);
    }
    return box;
  }

  function draw(container) {
    var places = readPlaces(container.getAttribute("data-map-for"));
    if (!places.length || typeof window.L === "undefined") { return; }
    var L = window.L;
    container.hidden = false;
    var map = L.map(container, { scrollWheelZoom: false });
    // Leaflet adds layers only once the map has a view: set it first.
    var points = places.map(function (place) { return [place.lat, place.lng]; });
    if (points.length === 1) {
      map.setView(points[0], ZOOM[places[0].kind] || 8);
    } else {
      map.fitBounds(points, { padding: [30, 30], maxZoom: 10 });
    }

    var status = document.getElementById(container.id + "-status");
    var tiles = L.tileLayer(TILES, { maxZoom: 19, attribution: ATTRIBUTION });
    tiles.on("tileerror", function () {
      container.classList.add("map-no-tiles");
      if (status) { status.hidden = false; }
    });
    tiles.addTo(map);

    places.forEach(function (place) {
      var marker = L.circleMarker([place.lat, place.lng], {
        radius: Number(place.radius) || 8,
        className: "place-marker",
        weight: 2,
        fillOpacity: 0.45
      });
      marker.bindPopup(popupContent(place));
      marker.addTo(map);
      // Names the marker for tests and user styles; an attribute, never parsed as HTML.
      var path = marker.getElement();
      if (path) { path.setAttribute("data-place", String(place.slug || "")); }
    });
  }

  function start() {
    document.querySelectorAll("[data-map-for]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
