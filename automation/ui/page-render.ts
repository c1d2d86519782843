import type { Color } from "../../infra/contract";
import type { GateSummary } from "../gates/gate-summary";
import type { HistoryEntry } from "../operations/status-report";
import { consistencyText } from "../operations/fleet-consistency";
import { describeFigure, type TimelineEntry } from "../progress/event-summary";
import { html, type SafeHtml } from "./html";
import type { PageModel, ReleaseView, StageView, WaveView } from "./release-view";

/** The parts of the page the live script replaces as the journal grows (element ids). */
export interface Panels {
  readonly summary: SafeHtml;
  readonly outcome: SafeHtml;
  readonly waves: SafeHtml;
  readonly history: SafeHtml;
}

export const ACTIONS = ["pause", "resume", "promote", "abort"] as const;
export type ActionName = (typeof ACTIONS)[number];

const COLORS: readonly Color[] = ["blue", "green"];

/** The whole page, server-rendered; the script only keeps it current. */
export function renderPage(model: PageModel, assets: { script: string; style: string }): string {
  const view = model.view;
  const title = view ? `release ${view.release}` : "no release yet";
  const panels = renderPanels(model);
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>outpost-fleet: ${title}</title>
        <link rel="stylesheet" href="${assets.style}" />
        <script src="${assets.script}" defer></script>
      </head>
      <body>
        <header class="top">
          <h1>outpost-fleet <span class="dim">live release view</span></h1>
          <span id="connection" class="connection" data-state="connecting">connecting…</span>
        </header>
        <main
          id="live"
          data-release="${view?.release ?? ""}"
          data-seq="${view?.lastSeq ?? 0}"
          data-actions="${model.actions}"
          data-follow="${model.follow}"
        >
          <section id="summary" class="panel">${panels.summary}</section>
          ${model.actions && view ? renderActions(view) : ""}
          <section id="outcome" class="panel">${panels.outcome}</section>
          <section id="waves">${panels.waves}</section>
          <section class="panel">
            <h2>Timeline</h2>
            <ol id="timeline" class="timeline">
              ${(view?.timeline ?? []).map(renderTimelineEntry)}
            </ol>
          </section>
          <section id="history" class="panel">${panels.history}</section>
        </main>
      </body>
    </html> `.markup;
}

export function renderPanels(model: PageModel): Panels {
  const view = model.view;
  return {
    summary: view ? renderSummary(view) : renderEmpty(model.journal),
    outcome: view ? renderOutcome(view) : html``,
    waves: html`${view ? view.waves.map(renderWave) : []}`,
    history: renderHistory(model.history),
  };
}

function renderEmpty(journal: string): SafeHtml {
  return html`<h2>No release has been started</h2>
    <p class="dim">Journal: ${journal}. This page follows the next release that starts.</p>`;
}

function badge(state: string): SafeHtml {
  return html`<span class="badge" data-state="${state.replace(/ /g, "-")}">${state}</span>`;
}

function renderSummary(view: ReleaseView): SafeHtml {
  return html`<h2>
      Release <span id="release-name">${view.release}</span>
      <span class="dim">attempt ${view.attempt}</span>
      <span id="release-state">${badge(view.state)}</span>${view.outcome
        ? html` ${badge(view.outcome)}`
        : ""}
    </h2>
    <dl class="facts">
      <dt>started</dt>
      <dd>${view.startedAt} by ${view.startedBy}</dd>
      <dt>command</dt>
      <dd><code>${view.command}</code></dd>
      <dt>driver</dt>
      <dd>${view.driver ?? "none running"}</dd>
      ${view.awaitingApproval
        ? html`<dt>approval</dt>
            <dd class="warn" id="awaiting-approval">
              wave ${view.awaitingApproval} waits for approval (promote)
            </dd>`
        : ""}
      ${view.consistency?.kind === "split"
        ? html`<dt>versions</dt>
            <dd class="warn" id="fleet-consistency">${consistencyText(view.consistency)}</dd>`
        : ""}
      ${view.pendingRequests.length > 0
        ? html`<dt>requests</dt>
            <dd id="pending-requests">${view.pendingRequests.join("; ")}</dd>`
        : ""}
    </dl>`;
}

function renderOutcome(view: ReleaseView): SafeHtml {
  const rollback = view.rollback;
  const parts: SafeHtml[] = [];
  if (view.outcome) {
    parts.push(
      html`<p id="release-outcome" data-outcome="${view.outcome}">
        Outcome:
        ${badge(view.outcome)}${view.reason
          ? html` <span class="reason">${view.reason}</span>`
          : ""}
      </p>`,
    );
  }
  if (rollback) {
    parts.push(
      html`<p id="rollback" data-state="${rollback.state}">
        Rollback (${rollback.scope}, ${rollback.cause}): ${rollback.state}; reason:
        <span class="reason" id="rollback-reason">${rollback.reason}</span>; Outposts:
        ${rollback.stages.join(", ") || "(config only)"}
      </p>`,
    );
  }
  if (parts.length === 0) return html`<p class="dim">No outcome yet.</p>`;
  return html`<h2>Outcome</h2>
    ${parts}`;
}

function renderWave(wave: WaveView, index: number): SafeHtml {
  return html`<article
    class="panel wave"
    data-wave="${wave.name}"
    data-state="${wave.state.replace(/ /g, "-")}"
  >
    <h2>Wave ${index + 1}: ${wave.name} ${badge(wave.state)}</h2>
    <table class="stages">
      <thead>
        <tr>
          <th>Outpost</th>
          <th>Step</th>
          <th>Traffic</th>
          <th>Versions</th>
          <th>Gates</th>
        </tr>
      </thead>
      <tbody>
        ${wave.stages.map(renderStage)}
      </tbody>
    </table>
  </article>`;
}

function renderStage(stage: StageView): SafeHtml {
  return html`<tr
    class="stage"
    data-stage="${stage.id}"
    data-state="${stage.state.replace(/ /g, "-")}"
    data-step="${stage.currentStep ?? ""}"
  >
    <td>
      <strong>${stage.outpost}</strong><br /><span class="dim"
        >${stage.stack} · ${stage.ring === 0 ? "canary (ring 0)" : `ring ${stage.ring}`} · batch
        ${stage.batch}</span
      ><br />${badge(stage.state)}
    </td>
    <td>
      <div class="current-step">
        ${stage.currentStep ?? (stage.state === "done" ? "all steps done" : "not started")}
      </div>
      <ol class="steps">
        ${stage.steps.map(
          (s) => html`<li data-step-state="${s.state}" title="${s.state}">${s.id}</li>`,
        )}
      </ol>
      ${stage.failure ? html`<div class="error failure">${stage.failure}</div>` : ""}
    </td>
    <td>${renderTraffic(stage)}</td>
    <td>${renderVersions(stage)}</td>
    <td>
      ${stage.gates
        ? renderGates(stage.gates.step, stage.gates.results)
        : html`<span class="dim">no gate run yet</span>`}
    </td>
  </tr>`;
}

function renderTraffic(stage: StageView): SafeHtml {
  const traffic = stage.traffic;
  if (!traffic) return html`<span class="dim">unknown</span>`;
  const source =
    traffic.source === "baseline"
      ? "config at start"
      : traffic.source === "observed"
        ? `observed after ${traffic.after}`
        : `after ${traffic.after}`;
  return html`<div class="split" data-active="${traffic.activeColor}">
      ${COLORS.map(
        (color) =>
          html`<span
            class="segment"
            data-color="${color}"
            data-percent="${traffic.split[color]}"
            style="width: ${traffic.split[color]}%"
          ></span>`,
      )}
    </div>
    <div class="split-legend">
      ${COLORS.map(
        (color) =>
          html`<span
            data-color="${color}"
            class="legend${traffic.activeColor === color ? " active" : ""}"
            >${color}
            ${traffic.split[color]}%${traffic.activeColor === color ? " (active)" : ""}</span
          > `,
      )}
    </div>
    <div class="dim">${source}</div>`;
}

function renderVersions(stage: StageView): SafeHtml {
  const traffic = stage.traffic;
  if (!traffic) return html`<span class="dim">unknown</span>`;
  return html`<dl class="versions">
    ${COLORS.map(
      (color) =>
        html`<dt data-color="${color}">${color}</dt>
          <dd data-version-of="${color}">${traffic.versions[color]}</dd>`,
    )}${traffic.rolloutVersion
      ? html`<dt>rollout</dt>
          <dd data-version-of="rollout">${traffic.rolloutVersion}</dd>`
      : ""}
  </dl>`;
}

function renderGates(step: string, gates: readonly GateSummary[]): SafeHtml {
  return html`<div class="dim">after ${step}</div>
    <ul class="gates">
      ${gates.map(
        (gate) =>
          html`<li class="gate" data-gate="${gate.gate}" data-verdict="${gate.verdict}">
            <span class="verdict">${gate.verdict}</span> <strong>${gate.gate}</strong>
            ${gate.figures.length > 0
              ? html`<ul class="figures">
                  ${gate.figures.map(
                    (f) =>
                      html`<li
                        data-figure="${f.name}"
                        data-value="${f.value}"
                        ${f.threshold !== undefined ? html` data-threshold="${f.threshold}"` : ""}
                      >
                        ${describeFigure(f)}
                      </li>`,
                  )}
                </ul>`
              : html`<div class="dim">${gate.detail}</div>`}
          </li>`,
      )}
    </ul>`;
}

export function renderTimelineEntry(entry: TimelineEntry): SafeHtml {
  return html`<li data-seq="${entry.seq}" data-type="${entry.type}" data-tone="${entry.tone}">
    <time datetime="${entry.at}">${entry.at.slice(11, 19)}</time>
    <span class="summary">${entry.summary}</span> <span class="actor">${entry.actor}</span>
  </li>`;
}

function renderHistory(history: readonly HistoryEntry[]): SafeHtml {
  if (history.length === 0)
    return html`<h2>History</h2>
      <p class="dim">No releases yet.</p>`;
  return html`<h2>History</h2>
    <table class="history">
      <thead>
        <tr>
          <th>release</th>
          <th>try</th>
          <th>outcome</th>
          <th>by</th>
          <th>started</th>
          <th>finished</th>
        </tr>
      </thead>
      <tbody>
        ${history.map(
          (entry) =>
            html`<tr data-history-release="${entry.release}">
              <td><a href="?release=${encodeURIComponent(entry.release)}">${entry.release}</a></td>
              <td>#${entry.attempt}</td>
              <td>${entry.outcome}</td>
              <td>${entry.by}@${entry.host}</td>
              <td>${entry.startedAt}</td>
              <td>${entry.finishedAt ?? "-"}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}

function renderActions(view: ReleaseView): SafeHtml {
  return html`<section id="actions" class="panel">
    <h2>Operator actions</h2>
    <form id="action-form" autocomplete="off">
      <label
        >Token
        <input id="action-token" type="password" placeholder="printed when the server started"
      /></label>
      <label
        >Wave
        <select id="action-wave">
          <option value="">next wave</option>
          ${view.waves.map((w) => html`<option value="${w.name}">${w.name}</option>`)}
        </select></label
      >
      <label
        >Reason <input id="action-reason" type="text" placeholder="recorded with abort"
      /></label>
      <span class="buttons"
        >${ACTIONS.map(
          (action) => html`<button type="button" data-action="${action}">${action}</button>`,
        )}</span
      >
    </form>
    <p id="action-result" class="dim" role="status"></p>
  </section>`;
}
