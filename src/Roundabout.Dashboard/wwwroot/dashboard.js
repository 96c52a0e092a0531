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
        withDetail(latency, traffic.meanLatencyMs === null ? "\u2014" : ms(traffic.meanLatencyMs), "mean per request, from metrics");
      } else {
        withDetail(rate, "\u2014", "no metrics endpoint");
        withDetail(latency, health.roundTripMs === null ? "\u2014" : ms(health.roundTripMs), "health-probe round trip");
      }
      row.append(rate, latency);

      const renewed = el("td", null, "renewed");
      withDetail(renewed, age(snapshot.now, member.lastRenewedAt), member.lastRenewedAt ? "at " + clock(member.lastRenewedAt) : null);
      row.append(renewed);

      row.append(el("td", member.suspect ? "\u26a0 yes" : "no", member.suspect ? "suspect-yes" : "suspect-no"));

      const metadataCell = el("td", null, "metadata-cell");
      const keys = Object.keys(member.metadata).sort();
      if (keys.length === 0) {
        metadataCell.textContent = "\u2014";
      } else {
        const list = el("ul", null, "metadata");
        keys.forEach(function (key) {
          const item = el("li", key + "=" + member.metadata[key]);
          item.dataset.key = key;
          list.append(item);
        });
        metadataCell.append(list);
      }
      row.append(metadataCell);
      return row;
    });
    body.replaceChildren.apply(body, rows);
    document.getElementById("servers-empty").hidden = rows.length !== 0;
    document.getElementById("server-count").textContent = "(" + rows.length + ")";
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

  connect();
})();
