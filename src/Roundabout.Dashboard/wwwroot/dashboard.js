// The dashboard page: follows /events (Server-Sent Events) and redraws from each snapshot.
// Every value is set with textContent or a property, never as markup, so a server's metadata
// such as "<script>" shows as those characters and runs nothing.
"use strict";

(function () {
  const healthText = {
    serving: ["\u2713", "serving"],
    "not-serving": ["!", "not serving"],
    unreachable: ["\u2717", "unreachable"],
    checking: ["\u2026", "checking"],
  };

  const charts = window.RoundaboutCharts;
  const history = { servers: {}, system: [], windowMs: 300000, lastAt: 0 };
  let chosen = null;
  let last = null;

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    if (className) {
      node.className = className;
    }
    return node;
  }

  function withDetail(cell, main, detail) {
    cell.append(el("span", main));
    if (detail) {
      cell.append(el("span", detail, "detail"));
    }
    return cell;
  }

  function clock(iso) {
    if (!iso) {
      return "";
    }
    const d = new Date(iso);
    return d.toLocaleTimeString([], { hour12: false }) + "." + String(d.getMilliseconds()).padStart(3, "0").slice(0, 1);
  }

  function age(nowIso, iso) {
    if (!iso) {
      return "never";
    }
    const seconds = Math.max(0, (new Date(nowIso) - new Date(iso)) / 1000);
    return seconds.toFixed(1) + " s ago";
  }

  function ms(value) {
    return value < 10 ? value.toFixed(2) + " ms" : value.toFixed(1) + " ms";
  }

  function shortNumber(text) {
    return text.length > 44 ? text.slice(0, 24) + "\u2026" + text.slice(-12) + " (" + text.length + " digits)" : text;
  }

  function renderServers(snapshot) {
    const body = document.querySelector("#servers tbody");
    const slow = slowServers();
    const rows = snapshot.members.map(function (member) {
      const row = el("tr");
      row.dataset.address = member.address;
      if (member.suspect) {
        row.classList.add("suspect");
      }
      if (!snapshot.registry.reachable) {
        row.classList.add("stale");
      }

      const address = el("th", member.address);
      address.scope = "row";
      const faults = member.metadata.faults;
      if (faults) {
        row.dataset.faults = faults;
        address.append(el("span", "faults: " + faults, "badge badge-faults"));
      }
      const slowness = slow[member.address];
      if (slowness) {
        row.classList.add("slow");
        row.dataset.slow = "true";
        address.append(el("span", "slow: p99 " + ms(slowness.p99) + " vs peers' " + ms(slowness.peers), "badge badge-slow"));
      }
      row.append(address);

      const health = member.health;
      const [symbol, word] = healthText[health.status] || ["?", health.status];
      const healthCell = el("td", null, "health health-" + health.status);
      withDetail(healthCell, symbol + " " + word, health.error);
      row.append(healthCell);

      const traffic = member.traffic;
      const rate = el("td", null, "number rate");
      const latency = el("td", null, "number latency");
      if (traffic.source === "metrics") {
        if (traffic.error) {
          withDetail(rate, "\u2014", "metrics unreadable: " + traffic.error);
        } else {
          withDetail(rate, traffic.requestsPerSecond === null ? "\u2026" : traffic.requestsPerSecond.toFixed(1), "from metrics");
        }
        withDetail(latency, traffic.meanLatencyMs === null ? "\u2014" : ms(traffic.meanLatencyMs),
          "mean per request, from metrics" + (traffic.p99Ms === null ? "" : "; p50 " + ms(traffic.p50Ms) + ", p99 " + ms(traffic.p99Ms)) +
          (traffic.errorRate ? "; " + (traffic.errorRate * 100).toFixed(1) + "% failed" : ""));
      } else {
        withDetail(rate, "\u2014", "no metrics endpoint");
        withDetail(latency, health.roundTripMs === null ? "\u2014" : ms(health.roundTripMs), "health-probe round trip");
      }
      row.append(rate, latency);

      const renewed = el("td", null, "renewed");
      withDetail(renewed, age(snapshot.now, member.lastRenewedAt), member.lastRenewedAt ? "at " + clock(member.lastRenewedAt) : null);
      row.append(renewed);

      row.append(el("td", member.suspect ? "\u26a0 yes" : "no", member.suspect ? "suspect-yes" : "suspect-no"));

      row.append(metadataCell(member.metadata));
      return row;
    });
    body.replaceChildren.apply(body, rows);
    document.getElementById("servers-empty").hidden = rows.length !== 0;
    document.getElementById("server-count").textContent = "(" + rows.length + ")";
  }

  function metadataCell(metadata) {
    const cell = el("td", null, "metadata-cell");
    const keys = Object.keys(metadata).sort();
    if (keys.length === 0) {
      cell.textContent = "\u2014";
    } else {
      const list = el("ul", null, "metadata");
      keys.forEach(function (key) {
        const item = el("li", key + "=" + metadata[key]);
        item.dataset.key = key;
        list.append(item);
      });
      cell.append(list);
    }
    return cell;
  }

  // The recent p99 of each server (the mean of its last five within 15 s); a server is slow when
  // its p99 is at least 50 ms and over four times the median of its peers'.
  function slowServers() {
    const recent = {};
    const since = history.lastAt - 15000;
    Object.keys(history.servers).forEach(function (address) {
      const values = history.servers[address].filter(function (p) { return p.t >= since && p.p99Ms !== null; }).slice(-5);
      if (values.length > 0) {
        recent[address] = values.reduce(function (sum, p) { return sum + p.p99Ms; }, 0) / values.length;
      }
    });
    const result = {};
    Object.keys(recent).forEach(function (address) {
      const peers = Object.keys(recent).filter(function (a) { return a !== address; }).map(function (a) { return recent[a]; }).sort(function (a, b) { return a - b; });
      if (peers.length === 0) {
        return;
      }
      const median = peers.length % 2 === 1 ? peers[(peers.length - 1) / 2] : (peers[peers.length / 2 - 1] + peers[peers.length / 2]) / 2;
      if (recent[address] >= 50 && recent[address] > 4 * median) {
        result[address] = { p99: recent[address], peers: median };
      }
    });
    return result;
  }

  function point(p) {
    return { t: new Date(p.at).getTime(), requestsPerSecond: p.requestsPerSecond, p50Ms: p.p50Ms, p99Ms: p.p99Ms, errorRate: p.errorRate, probeMs: p.probeMs };
  }

  function systemPoint(p) {
    return { t: new Date(p.at).getTime(), registryMs: p.registryUp ? p.registryMs : null, databaseMs: p.databaseUp ? p.databaseMs : null,
      commitsPerSecond: p.commitsPerSecond, accumulators: p.accumulators };
  }

  function trim() {
    const since = history.lastAt - history.windowMs;
    Object.keys(history.servers).forEach(function (address) {
      history.servers[address] = history.servers[address].filter(function (p) { return p.t >= since; });
      if (history.servers[address].length === 0) {
        delete history.servers[address];
      }
    });
    history.system = history.system.filter(function (p) { return p.t >= since; });
  }

  function addSample(sample) {
    const at = new Date(sample.at).getTime();
    if (at <= history.lastAt) {
      return false;
    }
    history.lastAt = at;
    Object.keys(sample.servers).forEach(function (address) {
      (history.servers[address] = history.servers[address] || []).push(point(sample.servers[address]));
    });
    history.system.push(systemPoint(sample.system));
    trim();
    return true;
  }

  function loadHistory() {
    fetch("api/history", { cache: "no-store" }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (view) {
      if (!view) {
        return;
      }
      history.windowMs = view.windowSeconds * 1000;
      history.servers = {};
      Object.keys(view.servers).forEach(function (address) {
        history.servers[address] = view.servers[address].map(point);
      });
      history.system = view.system.map(systemPoint);
      const times = history.system.map(function (p) { return p.t; });
      history.lastAt = Math.max.apply(null, [history.lastAt].concat(times));
      drawCharts();
      if (last) {
        render(last);
      }
    }).catch(function () { /* the live samples still arrive */ });
  }

  function drawCharts() {
    const now = history.lastAt;
    const slow = slowServers();
    const addresses = Object.keys(history.servers).sort();
    const serverSeries = function (field, scale) {
      return addresses.map(function (address, i) {
        return {
          name: address, colour: charts.colour(i), slow: !!slow[address],
          points: history.servers[address].map(function (p) { return [p.t, p[field] === null || p[field] === undefined ? null : p[field] * scale]; }),
        };
      });
    };
    charts.draw(document.querySelector("svg[data-chart=rate]"), serverSeries("requestsPerSecond", 1), now, history.windowMs);
    charts.draw(document.querySelector("svg[data-chart=p50]"), serverSeries("p50Ms", 1), now, history.windowMs);
    charts.draw(document.querySelector("svg[data-chart=p99]"), serverSeries("p99Ms", 1), now, history.windowMs);
    charts.draw(document.querySelector("svg[data-chart=errors]"), serverSeries("errorRate", 100), now, history.windowMs);
    const systemSeries = function (name, colour, pick) {
      return { name: name, colour: colour, points: history.system.map(function (p) { const v = pick(p); return [p.t, v === null || v === undefined ? null : v]; }) };
    };
    charts.draw(document.querySelector("svg[data-chart=system]"), [
      systemSeries("registry", "#0969da", function (p) { return p.registryMs; }),
      systemSeries("database", "#8250df", function (p) { return p.databaseMs; }),
    ], now, history.windowMs);
    charts.draw(document.querySelector("svg[data-chart=commits]"), [
      systemSeries("commits", "#1a7f37", function (p) { return p.commitsPerSecond; }),
    ], now, history.windowMs);
    const names = {};
    history.system.forEach(function (p) { Object.keys(p.accumulators || {}).forEach(function (n) { names[n] = true; }); });
    charts.draw(document.querySelector("svg[data-chart=accumulators]"), Object.keys(names).sort().map(function (name, i) {
      return systemSeries(name, charts.colour(i + 3), function (p) {
        const v = p.accumulators ? p.accumulators[name] : undefined;
        return v === undefined ? null : Math.log10(Math.max(1, Math.abs(v)));
      });
    }), now, history.windowMs);

    const legend = document.getElementById("legend");
    legend.replaceChildren.apply(legend, addresses.map(function (address, i) {
      const item = el("li", null, slow[address] ? "slow" : "");
      const swatch = el("span", null, "swatch");
      swatch.style.background = slow[address] ? "#cf222e" : charts.colour(i);
      item.append(swatch, el("span", address + (slow[address] ? " (slow)" : "")));
      return item;
    }));
  }

  function renderPicker(snapshot) {
    const picker = document.getElementById("service-picker");
    const services = snapshot.services;
    const names = services.items.map(function (s) { return s.name; });
    if (names.indexOf(snapshot.service) < 0) {
      names.unshift(snapshot.service);
    }
    if (chosen === null) {
      chosen = snapshot.service;
    }
    if (names.indexOf(chosen) < 0) {
      names.push(chosen);
    }
    const current = Array.from(picker.options).map(function (o) { return o.value + "|" + o.textContent; }).join("\n");
    const options = names.map(function (name) {
      const item = services.items.find(function (s) { return s.name === name; });
      const option = el("option", name + (item ? " (" + item.instances + ")" : name === snapshot.service ? "" : " (gone)"));
      option.value = name;
      return option;
    });
    if (options.map(function (o) { return o.value + "|" + o.textContent; }).join("\n") !== current) {
      picker.replaceChildren.apply(picker, options);
    }
    picker.value = chosen;
    document.getElementById("services-status").textContent = services.error
      ? "\u2717 cannot list the services (" + services.error + ")"
      : services.truncated ? "the registry has more services than the dashboard lists" : "";
  }

  function renderOtherService(snapshot) {
    const followed = chosen === null || chosen === snapshot.service;
    document.getElementById("followed-panels").hidden = !followed;
    document.getElementById("other-service").hidden = followed;
    document.body.dataset.service = followed ? snapshot.service : chosen;
    if (followed) {
      return;
    }
    const service = snapshot.services.items.find(function (s) { return s.name === chosen; });
    const members = service ? service.members : [];
    document.getElementById("other-name").textContent = "\u201c" + chosen + "\u201d";
    document.getElementById("other-count").textContent = "(" + members.length + (service && service.truncated ? " shown of " + service.instances : "") + ")";
    const body = document.querySelector("#instances tbody");
    body.replaceChildren.apply(body, members.map(function (member) {
      const row = el("tr");
      row.dataset.address = member.address;
      if (member.suspect) {
        row.classList.add("suspect");
      }
      const address = el("th", member.address);
      address.scope = "row";
      const renewed = el("td", null, "renewed");
      withDetail(renewed, age(snapshot.now, member.lastRenewedAt), member.lastRenewedAt ? "at " + clock(member.lastRenewedAt) : null);
      row.append(address, renewed, el("td", member.suspect ? "\u26a0 yes" : "no", member.suspect ? "suspect-yes" : "suspect-no"), metadataCell(member.metadata));
      return row;
    }));
    document.getElementById("instances-empty").hidden = members.length !== 0;
  }

  function renderAccumulators(snapshot) {
    const view = snapshot.accumulators;
    const status = document.getElementById("accumulators-status");
    const named = view.listed ? "" : " Only the accumulators named with --accumulator are shown: the dashboard lists the embedded database, not Redis or etcd.";
    if (view.reachable) {
      status.textContent = "From " + view.source + ", read at " + clock(view.readAt) + "." + named +
        (view.truncated ? " Some accumulators may be missing: the database holds more keys under acc/ than one read returns " +
          "(recent multiplies' dedupe records share the prefix); start the dashboard with --accumulator NAME to always show one." : "");
      status.classList.remove("bad");
    } else {
      status.textContent = "\u2717 Cannot read the accumulators from " + view.source + " (" + view.error + ")" +
        (view.readAt ? "; the values below were read at " + clock(view.readAt) + "." : ".") + named;
      status.classList.add("bad");
    }

    const body = document.querySelector("#accumulators tbody");
    const rows = view.items.map(function (item) {
      const row = el("tr");
      row.dataset.name = item.name;
      const name = el("th", item.name);
      name.scope = "row";
      const value = el("td", shortNumber(item.value), "value");
      value.title = item.value;
      value.dataset.value = item.value;
      const version = el("td", !item.stored ? "not stored yet (1)" : item.version === null ? "\u2014" : item.version, "number");
      row.append(name, value, version);
      return row;
    });
    body.replaceChildren.apply(body, rows);
  }

  function renderTimeline(snapshot) {
    const list = document.getElementById("timeline");
    const items = snapshot.timeline.map(function (entry) {
      const item = el("li");
      item.dataset.kind = entry.kind;
      item.dataset.address = entry.address;
      const time = el("time", clock(entry.at));
      time.dateTime = entry.at;
      item.append(time, el("span", entry.kind.replace("-", " "), "kind kind-" + entry.kind), el("span", entry.address));
      if (entry.detail) {
        item.append(el("span", entry.detail, "detail"));
      }
      return item;
    });
    if (items.length === 0) {
      items.push(el("li", "Nothing yet."));
    }
    list.replaceChildren.apply(list, items);
  }

  function renderRegistry(snapshot) {
    const banner = document.getElementById("registry-banner");
    const registry = snapshot.registry;
    if (registry.reachable) {
      banner.hidden = true;
      banner.textContent = "";
    } else {
      banner.textContent = "\u2717 Registry unreachable: " + registry.address +
        (registry.since ? " since " + clock(registry.since) : "") +
        (registry.error ? " (" + registry.error + ")" : "") +
        ". The servers below are the last ones it listed; the dashboard keeps trying.";
      banner.hidden = false;
    }
    document.body.dataset.registry = registry.reachable ? "reachable" : "unreachable";
    document.getElementById("footer").textContent =
      "Service \u201c" + snapshot.service + "\u201d \u00b7 registry " + registry.address + " at revision " + registry.revision +
      " \u00b7 updated " + clock(snapshot.now);
  }

  function render(snapshot) {
    last = snapshot;
    if (snapshot.latest && addSample(snapshot.latest)) {
      drawCharts();
    }
    renderPicker(snapshot);
    renderOtherService(snapshot);
    renderRegistry(snapshot);
    renderServers(snapshot);
    renderAccumulators(snapshot);
    renderTimeline(snapshot);
    document.body.dataset.version = String(snapshot.version);
  }

  function connect() {
    const status = document.getElementById("connection");
    const source = new EventSource("events");
    source.addEventListener("open", function () {
      loadHistory();
      status.textContent = "\u25cf Live";
      status.classList.remove("lost");
      status.classList.add("live");
    });
    source.addEventListener("state", function (event) {
      render(JSON.parse(event.data));
    });
    source.addEventListener("error", function () {
      status.textContent = "\u2717 Lost the connection to the dashboard; reconnecting\u2026";
      status.classList.remove("live");
      status.classList.add("lost");
    });
  }

  document.getElementById("service-picker").addEventListener("change", function (event) {
    chosen = event.target.value;
    if (last) {
      render(last);
    }
  });

  connect();
})();
