// Maps for the place pages. The server-rendered list is the page; the map is an enhancement:
// it stays hidden unless Leaflet and the GeoJSON (fetched from data-geojson, or written by
// json_script) are both here. Under the markers lie Natural Earth's country outlines (the
// vendored world-atlas TopoJSON, from data-outlines), beneath the tiles of the server named in
// data-tiles (MAP_TILES): when the tiles fail or are switched off (no data-tiles), the outlines
// still show where each place is, and no request leaves this site. Popups are built from DOM
// nodes and textContent, never from HTML strings, so no name can inject markup.
(function () {
  "use strict";

  var ATTRIBUTION =
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';
  var OUTLINES_ATTRIBUTION = 'Outlines: <a href="https://www.naturalearthdata.com/">Natural Earth</a>';
  // How close to zoom when a map shows a single place, by the kind of place.
  var ZOOM = { country: 5, region: 7, river: 6, city: 10, facility: 12, other: 8 };

  // The data is GeoJSON (RFC 7946), the shape of /export/places.geojson: fetched from the URL in
  // data-geojson, or written into the page by json_script (data-map-for names the element).
  function readInline(id) {
    var node = id && document.getElementById(id);
    if (!node) { return null; }
    try {
      return JSON.parse(node.textContent);
    } catch (error) {
      return null;
    }
  }

  function load(container, then) {
    var url = container.getAttribute("data-geojson");
    if (!url) { then(readInline(container.getAttribute("data-map-for"))); return; }
    if (typeof window.fetch !== "function") { return; }
    window.fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(then, function () { then(null); });
  }

  function points(collection) {
    var features = collection && Array.isArray(collection.features) ? collection.features : [];
    return features.filter(function (feature) {
      var geometry = feature && feature.geometry;
      var at = geometry && geometry.type === "Point" && geometry.coordinates;
      return Array.isArray(at) && typeof at[0] === "number" && typeof at[1] === "number" &&
        isFinite(at[0]) && isFinite(at[1]) && feature.properties;
    });
  }

  // A same-site path from a URL of the data, or nothing: no link can lead off the site or run.
  function sitePath(url) {
    if (typeof url !== "string") { return null; }
    try {
      var parsed = new URL(url, window.location.href);
      if (parsed.origin !== window.location.origin || !/^\/(?!\/)/.test(parsed.pathname)) {
        return null;
      }
      return parsed.pathname;
    } catch (error) {
      return null;
    }
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
    var meta = [place.kind_label, place.country_code].filter(Boolean).join(" · ");
    if (meta) { box.appendChild(element("p", "map-popup-meta", meta)); }
    var n = Number(place.mentions) || 0;
    box.appendChild(element("p", "map-popup-count", n + (n === 1 ? " mention" : " mentions")));
    var path = sitePath(place.url);
    if (path && path !== window.location.pathname) {
      var link = element("a", "map-popup-link", "Mentions and quotes: ");
      link.appendChild(element("bdi", "", String(place.name)));
      link.href = path;
      box.appendChild(link);
    }
    return box;
  }

  // A line of [longitude, latitude] made continuous across the antimeridian: world-atlas keeps
  // Russia's and Fiji's rings whole on the sphere, so a ring may step from 179.9 to -180, which
  // a flat map would draw as a stroke across the world. Steps along a pole are left alone.
  function unwrapLine(line) {
    var shift = 0;
    return line.map(function (at, i) {
      var before = line[i - 1];
      if (before && Math.abs(at[1]) < 89 && Math.abs(before[1]) < 89) {
        var step = at[0] - before[0];
        if (step > 180) { shift -= 360; } else if (step < -180) { shift += 360; }
      }
      return [at[0] + shift, at[1]];
    });
  }

  function unwrap(geojson) {
    var geometry = geojson.type === "Feature" ? geojson.geometry : geojson;
    var lines = function (list) { return list.map(unwrapLine); };
    if (geometry.type === "Polygon" || geometry.type === "MultiLineString") {
      geometry.coordinates = lines(geometry.coordinates);
    } else if (geometry.type === "MultiPolygon") {
      geometry.coordinates = geometry.coordinates.map(lines);
    } else if (geometry.type === "LineString") {
      geometry.coordinates = unwrapLine(geometry.coordinates);
    }
    return geojson;
  }

  // The country outlines, in a pane of their own beneath the tiles (places.css): covered where
  // tiles come, the map's background where they fail or are off. Land is filled, borders
  // between countries drawn once; neither takes clicks.
  function drawOutlines(map, url) {
    var L = window.L, topojson = window.topojson;
    if (!url || !topojson || typeof window.fetch !== "function") { return; }
    map.createPane("outlines");
    map.attributionControl.addAttribution(OUTLINES_ATTRIBUTION);
    window.fetch(url, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (world) {
        if (!world || !world.objects || !world.objects.countries) { return; }
        var countries = world.objects.countries;
        var style = { pane: "outlines", interactive: false };
        var land = topojson.feature(world, world.objects.land || countries);
        (land.type === "FeatureCollection" ? land.features : [land]).forEach(unwrap);
        L.geoJSON(land, L.extend({ className: "map-land", weight: 1, fillOpacity: 1 }, style))
          .addTo(map);
        var borders = unwrap(topojson.mesh(world, countries, function (a, b) { return a !== b; }));
        L.geoJSON(borders, L.extend({ className: "map-border", weight: 1, fill: false }, style))
          .addTo(map);
        map.getContainer().classList.add("map-outlined");
      }, function () { return null; });
  }

  // Tiles from the server MAP_TILES names, when it names one; a status line says when they fail.
  function drawTiles(map, container) {
    var L = window.L, url = container.getAttribute("data-tiles");
    if (!url) { return; }
    var status = document.getElementById(container.id + "-status");
    var tiles = L.tileLayer(url, { maxZoom: 19, attribution: ATTRIBUTION });
    tiles.on("tileerror", function () {
      container.classList.add("map-no-tiles");
      if (status) { status.hidden = false; }
    });
    tiles.addTo(map);
  }

  function draw(container, collection) {
    var features = points(collection);
    if (!features.length || typeof window.L === "undefined") { return; }
    var L = window.L;
    container.hidden = false;
    var map = L.map(container, { scrollWheelZoom: false });
    var most = Math.max.apply(null, features.map(function (feature) {
      return Number(feature.properties.mentions) || 0;
    })) || 1;
    // Leaflet reads the GeoJSON itself; each point becomes a circle sized by its mentions.
    var layer = L.geoJSON({ type: "FeatureCollection", features: features }, {
      pointToLayer: function (feature, at) {
        var n = Number(feature.properties.mentions) || 0;
        return L.circleMarker(at, {
          radius: features.length === 1 ? 12 : 5 + 15 * Math.sqrt(n / most),
          className: "place-marker",
          weight: 2,
          fillOpacity: 0.45
        });
      },
      onEachFeature: function (feature, marker) {
        marker.bindPopup(popupContent(feature.properties));
      }
    });
    // Leaflet adds layers only once the map has a view: set it first.
    if (features.length === 1) {
      var at = features[0].geometry.coordinates;
      var zoom = ZOOM[features[0].properties.kind] || 8;
      // Without tiles the outlines are the background: near enough to show the coast or border.
      map.setView([at[1], at[0]], container.getAttribute("data-tiles") ? zoom : Math.min(zoom, 6));
    } else {
      map.fitBounds(layer.getBounds(), { padding: [30, 30], maxZoom: 10 });
    }

    drawOutlines(map, container.getAttribute("data-outlines"));
    drawTiles(map, container);
    layer.addTo(map);
    layer.eachLayer(function (marker) {
      // Names the marker for tests and user styles; an attribute, never parsed as HTML.
      var path = marker.getElement();
      if (path) { path.setAttribute("data-place", String(marker.feature.properties.slug || "")); }
    });
  }

  // Every map in ``root`` not drawn yet: the page's, then those htmx swaps in.
  function start(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var found = Array.prototype.slice.call(scope.querySelectorAll("[data-map-for], [data-geojson]"));
    if (scope.matches && scope.matches("[data-map-for], [data-geojson]")) { found.push(scope); }
    found.forEach(function (container) {
      if (container.getAttribute("data-map-started")) { return; }
      container.setAttribute("data-map-started", "1");
      load(container, function (collection) { draw(container, collection); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { start(document); });
  } else {
    start(document);
  }
  document.addEventListener("htmx:load", function (event) { start(event.target); });
})();
