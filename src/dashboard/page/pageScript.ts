/**
 * The page's live part (browser JavaScript, as a string): follows `/events`, merges snapshots
 * and updates into one model per lane, redraws at most once per animation frame, and sends
 * cancels with the page's token.
 *
 * @remarks Needs `PAGE_DOM` and `PAGE_RENDER` before it in the same script.
 */
export const PAGE_SCRIPT = /* js */ `
const token = document.querySelector('meta[name="dashboard-token"]').getAttribute('content');
const main = document.querySelector('main');
const status = document.querySelector('[data-testid="connection-status"]');
// How often waiting and running bars grow between updates.
const GROW_INTERVAL_MS = 250;
const lanes = new Map();
let offsetMs = 0;
let recentTasks = 200;
let frame = 0;

function serverNow() {
  return Date.now() + offsetMs;
}

function laneModel(name) {
  let lane = lanes.get(name);
  if (!lane) {
    lane = {
      name,
      kind: null,
      counts: {},
      timeline: new Map(),
      slowestRunning: [],
      slowestFinished: [],
      retrying: [],
      delayed: undefined,
      warnings: [],
      metrics: null,
      stopped: false,
      ui: createLaneSection(name),
    };
    lane.ui.running.addEventListener('click', (event) => {
      const button = event.target.closest('button[data-task-id]');
      if (button) void cancelTask(lane, button);
    });
    lanes.set(name, lane);
    main.append(lane.ui.root);
  }
  return lane;
}

function apply(message) {
  offsetMs = message.now - Date.now();
  recentTasks = message.recentTasks;
  const full = message.type === 'snapshot';
  for (const view of message.lanes) {
    const lane = laneModel(view.lane);
    if (full) lane.timeline.clear();
    for (const entry of view.timeline) lane.timeline.set(entry.id, entry);
    while (lane.timeline.size > recentTasks)
      lane.timeline.delete(lane.timeline.keys().next().value);
    lane.warnings = (full ? view.warnings : lane.warnings.concat(view.warnings)).slice(
      -MAX_WARNINGS,
    );
    lane.counts = view.counts;
    lane.slowestRunning = view.slowestRunning;
    lane.slowestFinished = view.slowestFinished;
    lane.retrying = view.retrying;
    lane.delayed = view.delayed;
    lane.metrics = view.metrics || lane.metrics;
    lane.kind = view.kind || lane.kind;
    lane.stopped = view.stopped;
  }
  scheduleRender();
}

function scheduleRender() {
  if (frame !== 0) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    const now = serverNow();
    for (const lane of lanes.values()) renderLane(lane, now);
  });
}

async function cancelTask(lane, button) {
  const id = button.dataset.taskId;
  button.disabled = true;
  let text;
  let ok = false;
  try {
    const path =
      'api/lanes/' + encodeURIComponent(lane.name) + '/tasks/' + encodeURIComponent(id) + '/cancel';
    const response = await fetch(path, { method: 'POST', headers: { 'x-dashboard-token': token } });
    const body = await response.json();
    ok = response.ok && body.canceled === true;
    text = ok
      ? 'Canceled ' + body.name + ' (' + shortId(id) + ')'
      : 'Not canceled: ' + body.message;
  } catch (error) {
    text = 'Cancel failed: ' + error.message;
    button.disabled = false;
  }
  lane.ui.cancelResult.textContent = text;
  lane.ui.cancelResult.dataset.ok = String(ok);
}

function connect() {
  const source = new EventSource('events');
  const live = (isLive, text) => {
    status.dataset.live = String(isLive);
    status.textContent = text;
  };
  source.addEventListener('open', () => live(true, 'live'));
  source.addEventListener('error', () =>
    live(false, source.readyState === EventSource.CLOSED ? 'disconnected' : 'reconnecting…'),
  );
  for (const type of ['snapshot', 'update']) {
    source.addEventListener(type, (event) => apply(JSON.parse(event.data)));
  }
}

setInterval(() => {
  const growing = (lane) => [...lane.timeline.values()].some((entry) => entry.end === undefined);
  if ([...lanes.values()].some(growing)) scheduleRender();
}, GROW_INTERVAL_MS);
connect();
`;
