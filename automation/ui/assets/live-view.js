// The live release view's only script: keeps the server-rendered page current from the event
// stream (/events), and sends operator actions (POST /api/<action>) when the server allows them.
// Everything it shows arrives as markup the server rendered and escaped.
"use strict";
(() => {
  const root = document.getElementById("live");
  if (!root) return;
  const release = root.dataset.release || "";
  const follow = root.dataset.follow === "true";
  const timeline = document.getElementById("timeline");
  const connection = document.getElementById("connection");
  let lastSeq = Number(root.dataset.seq || "0");
  // The newest events are at the bottom; start there.
  timeline.scrollTop = timeline.scrollHeight;

  const setConnection = (state, text) => {
    connection.dataset.state = state;
    connection.textContent = text;
  };

  const replacePanels = (panels) => {
    for (const [id, markup] of Object.entries(panels)) {
      const element = document.getElementById(id);
      if (element) element.innerHTML = markup;
    }
  };

  const onJournal = (message) => {
    if (message.reset) timeline.replaceChildren();
    // The stream resumes after the last id it delivered; this check only guards the page.
    if (message.seq > lastSeq || message.reset) {
      const atBottom = timeline.scrollTop + timeline.clientHeight >= timeline.scrollHeight - 4;
      timeline.insertAdjacentHTML("beforeend", message.row);
      if (atBottom) timeline.scrollTop = timeline.scrollHeight;
      lastSeq = message.seq;
      root.dataset.seq = String(lastSeq);
    }
    if (message.panels) replacePanels(message.panels);
  };

  // EventSource reconnects by itself after a dropped connection and sends Last-Event-ID (the
  // journal seq of the last event it got). When the server refused the stream outright, the
  // browser gives up; then a new stream starts after the last event this page shows.
  const connect = () => {
    const query = new URLSearchParams({ release, after: String(lastSeq) });
    if (follow) query.set("follow", "1");
    const source = new EventSource(`/events?${query}`);
    source.addEventListener("open", () => setConnection("live", "live"));
    source.addEventListener("error", () => {
      if (source.readyState === EventSource.CLOSED) {
        setConnection("offline", "disconnected: retrying");
        setTimeout(connect, 2000);
      } else {
        setConnection("reconnecting", "reconnecting…");
      }
    });
    source.addEventListener("journal", (event) => onJournal(JSON.parse(event.data)));
    source.addEventListener("view", (event) => replacePanels(JSON.parse(event.data).panels));
    source.addEventListener("notice", (event) => showResult(JSON.parse(event.data)));
    source.addEventListener("release", () => {
      source.close();
      window.location.reload();
    });
  };

  const result = document.getElementById("action-result");
  const showResult = ({ message, ok }) => {
    if (!result) return;
    result.textContent = message;
    result.dataset.ok = String(ok);
  };

  const form = document.getElementById("action-form");
  if (form) {
    const tokenInput = document.getElementById("action-token");
    // A token in the fragment (#token=...) never reaches the server's logs; keep it for the tab.
    const fromFragment = new URLSearchParams(window.location.hash.slice(1)).get("token");
    if (fromFragment) {
      sessionStorage.setItem("outpost-fleet-token", fromFragment);
      history.replaceState(null, "", window.location.pathname + window.location.search);
    }
    tokenInput.value = sessionStorage.getItem("outpost-fleet-token") || "";
    form.addEventListener("click", async (event) => {
      const button = event.target.closest("button[data-action]");
      if (!button) return;
      const action = button.dataset.action;
      const wave = document.getElementById("action-wave").value;
      const reason = document.getElementById("action-reason").value;
      showResult({ message: `${action}…`, ok: true });
      try {
        const response = await fetch(`/api/${action}`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            authorization: `Bearer ${tokenInput.value}`,
          },
          body: JSON.stringify({ release, wave: wave || undefined, reason: reason || undefined }),
        });
        const answer = await response.json();
        showResult({ message: answer.message, ok: response.ok });
        if (response.ok) sessionStorage.setItem("outpost-fleet-token", tokenInput.value);
      } catch (err) {
        showResult({ message: `${action} failed: ${err}`, ok: false });
      }
    });
  }

  connect();
})();
