import { RunHealth } from "./runHealth";

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
const cell = (v: number | string | undefined) => `<td>${v === undefined ? "–" : esc(String(v))}</td>`;

export const HEALTH_STYLE = `.health{padding:.5em 1em;margin:1em 0;border:2px solid}.health.clean{background:#e8f6e8;border-color:#393}
.health.degraded{background:#fff6dd;border-color:#c90}.health.failed{background:#fde2e2;border-color:#c33}.health details{margin:.3em 0}
.health code{font-size:.85em;white-space:pre-wrap}`;

/** The run's verdict, first thing in its report: reasons with their evidence, then the accounting per hop. */
export function healthSection(h: RunHealth | undefined): string {
  if (!h) return "";
  const headline = { clean: "Clean run: every frame accounted for, nothing ended early", degraded: "Degraded run: its figures include the losses below", failed: "Failed run: its figures are not results of the experiment" }[h.verdict];
  const reasons = h.reasons
    .map(
      (r) =>
        `<details><summary><b>${esc(r.severity)}</b>: ${esc(r.message)}</summary><ul>${[r.host ? `host: ${r.host}` : "", r.at ? `at: ${r.at}` : "", r.lost !== undefined ? `lost: ${r.lost}` : "", ...r.evidence]
          .filter(Boolean)
          .map((e) => `<li><code>${esc(e)}</code></li>`)
          .join("")}</ul></details>`,
    )
    .join("");
  const notes = h.notes.length ? `<p>Notes:</p><ul>${h.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>` : "";
  const a = h.accounting;
  const cams = a.cameras.length
    ? `<table><thead><tr><th>camera</th><th>host</th><th>gateway</th><th>sent</th><th>acked by broker</th><th>in Kafka</th><th>at in-sink</th><th>in windows</th></tr></thead><tbody>${a.cameras
        .map((c) => `<tr>${[c.camera, c.host, c.gateway, c.sent, c.acked, c.inKafka, c.atInSink, c.inWindows].map(cell).join("")}</tr>`)
        .join("")}</tbody></table>`
    : "";
  const gws = a.gateways.length
    ? `<table><thead><tr><th>gateway</th><th>host</th><th>received</th><th>forwarded</th><th>at in-sink</th><th>acked upstream, not forwarded</th><th>finalised</th></tr></thead><tbody>${a.gateways
        .map((g) => `<tr>${[g.gateway, g.host, g.received, g.forwarded, g.atInSink, g.notForwarded, g.final === undefined ? undefined : g.final ? "yes" : "no"].map(cell).join("")}</tr>`)
        .join("")}</tbody></table>`
    : "";
  const win = a.windows ? `<p>Windows: ${a.windows.received} read by the out-sink of ${a.windows.expected} expected (${a.windows.windowMs / 1000} s each), ${a.windows.duplicates} read again.</p>` : "";
  return `<div class="health ${h.verdict}"><h2>Health: ${esc(h.verdict)}</h2><p>${esc(headline)}</p>${reasons}${notes}
<details${h.verdict === "clean" ? "" : " open"}><summary>Frames at each hop</summary>${cams}${gws}${win}<p>Frames sent in the last ${a.endMarginMs / 1000} s before the stop${a.endTs ? ` (${new Date(a.endTs).toISOString()})` : ""} may still be in flight and are not counted as lost.</p></details></div>`;
}
