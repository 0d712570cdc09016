/**
 * The dashboard page's stylesheet: neutral light and dark themes (following the system's),
 * one colour per task state, shared by the diagram, the timeline and the tables.
 */
export const PAGE_STYLES = /* css */ `
:root {
  color-scheme: light dark;
  --bg: #f5f6f8; --panel: #ffffff; --panel-2: #f0f2f5; --border: #dde1e8;
  --text: #1c2230; --muted: #667085; --accent: #2563eb;
  --new: #98a2b3; --submitted: #7c8aa5; --scheduled: #d97706; --started: #2563eb;
  --done: #16a34a; --failed: #dc2626; --timed_out: #ea580c; --canceled: #9333ea;
  --shadow: 0 1px 2px rgb(16 24 40 / 6%);
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0e1116; --panel: #161b22; --panel-2: #1c232d; --border: #2a323e;
    --text: #e6edf3; --muted: #8b96a8; --accent: #58a6ff;
    --new: #6e7781; --submitted: #8b98ad; --scheduled: #f0b429; --started: #58a6ff;
    --done: #3fb950; --failed: #f85149; --timed_out: #fb8f44; --canceled: #bc8cff;
    --shadow: none;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--bg); color: var(--text);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
header.top {
  display: flex; align-items: center; gap: 16px; padding: 12px 24px;
  border-bottom: 1px solid var(--border); background: var(--panel);
}
header.top h1 { font-size: 16px; margin: 0; font-weight: 600; }
header.top .spacer { flex: 1; }
.status { font-size: 13px; color: var(--muted); display: flex; align-items: center; gap: 6px; }
.status::before { content: ""; width: 8px; height: 8px; border-radius: 50%; background: var(--failed); }
.status[data-live="true"]::before { background: var(--done); box-shadow: 0 0 0 3px rgb(63 185 80 / 20%); }
main { padding: 16px 24px 32px; display: flex; flex-direction: column; gap: 20px; }
.lane { border: 1px solid var(--border); border-radius: 12px; background: var(--panel); box-shadow: var(--shadow); }
.lane > header { display: flex; align-items: center; flex-wrap: wrap; gap: 10px 18px; padding: 12px 16px; border-bottom: 1px solid var(--border); }
.lane h2 { margin: 0; font-size: 17px; }
.badge { font-size: 11px; text-transform: uppercase; letter-spacing: .05em; padding: 2px 8px; border-radius: 999px; background: var(--panel-2); color: var(--muted); border: 1px solid var(--border); }
.badge.stopped { color: var(--failed); }
.figures { display: flex; flex-wrap: wrap; gap: 4px 18px; margin: 0 0 0 auto; }
.figures div { display: flex; flex-direction: column; }
.figures dt { font-size: 11px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.figures dd { margin: 0; font-variant-numeric: tabular-nums; font-weight: 600; }
.grid { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1.25fr); gap: 12px; padding: 12px; }
.grid .wide { grid-column: 1 / -1; }
.tables { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 12px; }
@media (max-width: 1100px) { .grid, .tables { grid-template-columns: minmax(0, 1fr); } }
.card { background: var(--panel-2); border: 1px solid var(--border); border-radius: 10px; padding: 10px 12px; min-width: 0; }
.card h3 { margin: 0 0 8px; font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); font-weight: 600; }
svg.defs { position: absolute; }
svg.machine { width: 100%; height: auto; display: block; }
.state rect { fill: var(--panel); stroke: var(--c); stroke-width: 1.5; }
.state.active rect { fill: color-mix(in srgb, var(--c) 16%, var(--panel)); stroke-width: 2.5; }
.state-label { fill: var(--muted); font-size: 11px; font-weight: 600; letter-spacing: .05em; }
.state-count { fill: var(--c); font-size: 20px; font-weight: 700; font-variant-numeric: tabular-nums; }
.state:not(.active) .state-count { fill: var(--muted); }
.edge { fill: none; stroke: var(--muted); stroke-opacity: .55; stroke-width: 1.5; }
#dashboard-arrow path { fill: var(--muted); }
.state-new { --c: var(--new); } .state-submitted { --c: var(--submitted); }
.state-scheduled { --c: var(--scheduled); } .state-started { --c: var(--started); }
.state-done { --c: var(--done); } .state-failed { --c: var(--failed); }
.state-timed_out { --c: var(--timed_out); } .state-canceled { --c: var(--canceled); }
.outcomes { margin-top: 14px; }
.outcomes .stack { display: flex; height: 10px; border-radius: 5px; overflow: hidden; background: var(--panel); border: 1px solid var(--border); }
.outcomes .stack span { background: var(--c); }
.outcomes .totals { display: flex; flex-wrap: wrap; gap: 4px 14px; margin-top: 6px; font-size: 12px; color: var(--muted); font-variant-numeric: tabular-nums; }
.outcomes .totals b { color: var(--c); font-weight: 600; }
.timeline svg { width: 100%; display: block; background: var(--panel); border-radius: 6px; border: 1px solid var(--border); }
.bar-wait { fill: var(--muted); opacity: .3; }
.bar-run { fill: var(--c); }
.bar.state-started .bar-run { opacity: .85; }
.axis { display: flex; justify-content: space-between; font-size: 11px; color: var(--muted); margin-top: 4px; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 12px; font-size: 11px; color: var(--muted); margin-top: 6px; }
.legend span::before { content: ""; display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; background: var(--c); }
.legend .wait::before { background: var(--muted); opacity: .35; }
table { width: 100%; border-collapse: collapse; font-size: 13px; }
th { text-align: left; font-weight: 500; color: var(--muted); font-size: 11px; text-transform: uppercase; letter-spacing: .04em; padding: 2px 6px; }
td { padding: 4px 6px; border-top: 1px solid var(--border); font-variant-numeric: tabular-nums; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 220px; }
td.num, th.num { text-align: right; }
td .id { color: var(--muted); font-size: 11px; margin-left: 4px; }
td .attempt { font-size: 11px; margin-left: 6px; padding: 0 5px; border-radius: 999px; color: var(--scheduled); border: 1px solid currentColor; }
td details.attempts { font-size: 11px; color: var(--muted); white-space: normal; }
td details.attempts ol { margin: 2px 0 0; padding-left: 18px; }
.pill { display: inline-block; font-size: 11px; padding: 0 6px; border-radius: 999px; color: var(--c); border: 1px solid var(--c); }
.empty { color: var(--muted); font-size: 13px; padding: 6px 0; }
button.cancel { font: inherit; font-size: 12px; padding: 2px 10px; border-radius: 6px; cursor: pointer; border: 1px solid var(--failed); color: var(--failed); background: transparent; }
button.cancel:hover { background: color-mix(in srgb, var(--failed) 14%, transparent); }
button.cancel:disabled { opacity: .5; cursor: default; }
.cancel-result { font-size: 12px; color: var(--muted); min-height: 1.4em; margin-top: 6px; }
.cancel-result[data-ok="false"] { color: var(--failed); }
ul.warnings { list-style: none; margin: 0; padding: 0; max-height: 240px; overflow: auto; font-size: 12px; }
ul.warnings li { padding: 5px 0 0; margin-bottom: 5px; border-top: 1px solid var(--border); display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 3; line-clamp: 3; overflow: hidden; }
ul.warnings li:first-child { border-top: 0; }
ul.warnings time { color: var(--muted); margin-right: 6px; font-variant-numeric: tabular-nums; }
ul.warnings .kind { color: var(--scheduled); font-weight: 600; margin-right: 6px; }
ul.warnings .kind.error { color: var(--failed); }
`;
