import { FINAL_STATES } from '../../machines/taskLifecycle.js';

/**
 * The page's drawing code (browser JavaScript, as a string): redraws a lane's counts, outcomes,
 * timeline, tables and warnings from its model.
 *
 * @remarks Needs `PAGE_DOM` before it in the same script. Table rows are keyed by task id and
 * updated in place, so a Cancel button is not replaced under the pointer by the next update.
 */
export const PAGE_RENDER = /* js */ `
const KIND_BADGES = { loop: 'main loop', thread: 'own thread', bullmq: 'BullMQ workers' };
const TIMELINE = { width: 1000, rowHeight: 9, gap: 3, maxRows: 24, minSpanMs: 2000 };

function renderLane(lane, now) {
  const ui = lane.ui;
  ui.kind.hidden = !lane.kind;
  ui.kind.textContent = KIND_BADGES[lane.kind] || 'main loop';
  const workers = lane.metrics && lane.metrics.workers;
  ui.kind.title = workers ? 'workers: ' + (workers.names.join(', ') || 'none') : '';
  ui.stopped.hidden = !lane.stopped;
  renderFigures(lane);
  for (const [state, count] of Object.entries(lane.counts)) {
    const group = ui.diagram.querySelector('[data-state="' + state + '"]');
    if (!group) continue;
    group.classList.toggle('active', count > 0);
    group.querySelector('.state-count').textContent = count.toLocaleString();
  }
  renderOutcomes(lane);
  renderTimeline(lane, now);
  syncRows(
    ui.running,
    lane.slowestRunning,
    (row) => [
      taskCell(row),
      el('td', { class: 'num' }),
      el('td', { class: 'num' }),
      el(
        'td',
        { class: 'num' },
        el('button', {
          class: 'cancel',
          'data-testid': 'cancel-button',
          'data-task-id': row.id,
          text: 'Cancel',
        }),
      ),
    ],
    (tr, row) => {
      tr.cells[1].textContent = formatMs(row.waitMs);
      tr.cells[2].textContent = formatMs(row.start === undefined ? row.runMs : now - row.start);
    },
  );
  syncRows(
    ui.finished,
    lane.slowestFinished,
    (row) => [
      taskCell(row),
      el(
        'td',
        { class: 'num' },
        el('span', { class: 'pill ' + stateClass(row.state), text: row.state }),
      ),
      el('td', { class: 'num' }),
      el('td', { class: 'num' }),
    ],
    (tr, row) => {
      tr.title = row.detail || '';
      tr.cells[2].textContent = formatMs(row.waitMs);
      tr.cells[3].textContent = formatMs(row.runMs);
    },
  );
  syncRows(
    ui.retrying,
    lane.retrying,
    (row) => [
      taskCell(row),
      el('td', { class: 'num', 'data-testid': 'run-after', text: clockTime(row.runAfter) }),
      el('td', { class: 'num' }),
    ],
    (tr, row) => {
      tr.cells[2].textContent = formatMs(Math.max(0, row.runAfter - now));
    },
  );
  renderWarnings(lane);
}

function renderFigures(lane) {
  const m = lane.metrics;
  const c = lane.counts;
  const figures = [
    ['Queued', ((c.SUBMITTED || 0) + (c.SCHEDULED || 0)).toLocaleString()],
    ['Running', (c.STARTED || 0).toLocaleString()],
    ...(lane.delayed === undefined ? [] : [['Delayed', lane.delayed.toLocaleString()]]),
    ['Submitted', m ? m.submitted.toLocaleString() : '–'],
    ['Retried', m ? m.retried.toLocaleString() : '–'],
    ['Finished/s', m ? m.throughputPerSec.toFixed(1) : '–'],
    ['Wait p99', m ? formatMs(m.waitMs.p99) : '–'],
    ['Run p99', m ? formatMs(m.runMs.p99) : '–'],
    ['Loop delay p99', m ? formatMs(m.eventLoop.delayMs.p99) : '–'],
    ['Loop busy', m ? Math.round(m.eventLoop.utilization * 100) + '%' : '–'],
    ...(m && m.workers ? [['Workers', m.workers.count + (m.workers.count ? ': ' + m.workers.names.join(', ') : '')]] : []),
  ];
  lane.ui.figures.replaceChildren(
    ...figures.map(([label, value]) =>
      el(
        'div',
        { 'data-testid': 'figure-' + label.toLowerCase().replace(/[^a-z0-9]+/g, '-') },
        el('dt', { text: label }),
        el('dd', { text: value }),
      ),
    ),
  );
}

/** How the finished tasks ended: a stacked bar and the totals, with the share that succeeded. */
function renderOutcomes(lane) {
  const finals = ${JSON.stringify(FINAL_STATES)};
  const total = finals.reduce((sum, state) => sum + (lane.counts[state] || 0), 0);
  const stack = el('div', { class: 'stack' });
  const totals = el('div', { class: 'totals' });
  for (const state of finals) {
    const count = lane.counts[state] || 0;
    if (total > 0 && count > 0) {
      const part = el('span', { class: stateClass(state), title: state + ': ' + count });
      part.style.width = (count / total) * 100 + '%';
      stack.append(part);
    }
    totals.append(
      el(
        'span',
        { class: stateClass(state) },
        el('b', { text: count.toLocaleString() }),
        ' ' + state.toLowerCase().replace('_', ' '),
      ),
    );
  }
  const ok = total === 0 ? '–' : Math.round(((lane.counts.DONE || 0) / total) * 100) + '% done';
  totals.append(el('span', { text: total.toLocaleString() + ' finished · ' + ok }));
  lane.ui.outcomes.replaceChildren(stack, totals);
}

/** One bar per recent task, packed into rows: a pale part while it waited, a solid one while it ran. */
function renderTimeline(lane, now) {
  const entries = [...lane.timeline.values()]
    .map((entry) => ({ entry, begin: entry.submit ?? entry.start ?? entry.end ?? now }))
    .sort((a, b) => a.begin - b.begin);
  let from = entries.length > 0 ? entries[0].begin : now;
  from = Math.min(from, now - TIMELINE.minSpanMs);
  const span = now - from;
  const x = (at) => ((at - from) / span) * TIMELINE.width;
  const rowEnds = [];
  const bars = [];
  for (const { entry, begin } of entries) {
    const end = entry.end ?? now;
    let row = rowEnds.findIndex((rowEnd) => rowEnd < x(begin));
    if (row < 0 && rowEnds.length < TIMELINE.maxRows) row = rowEnds.push(0) - 1;
    if (row < 0) row = rowEnds.indexOf(Math.min(...rowEnds));
    rowEnds[row] = x(end) + 2;
    const y = TIMELINE.gap + row * (TIMELINE.rowHeight + TIMELINE.gap);
    const started = entry.start ?? end;
    const bar = svgEl('g', {
      class: 'bar ' + stateClass(entry.state),
      'data-testid': 'timeline-bar',
      'data-state': entry.state,
      'data-task-id': entry.id,
    });
    bar.append(
      svgEl('title', {
        text:
          entry.name +
          ' · ' +
          entry.state +
          (entry.attempt ? ' · attempt ' + entry.attempt : '') +
          ' · waited ' +
          formatMs(started - begin) +
          (entry.start === undefined ? '' : ' · ran ' + formatMs(end - entry.start)),
      }),
    );
    bar.append(
      svgEl('rect', {
        class: 'bar-wait',
        x: x(begin),
        y,
        width: Math.max(1.5, x(started) - x(begin)),
        height: TIMELINE.rowHeight,
      }),
    );
    if (entry.start !== undefined) {
      bar.append(
        svgEl('rect', {
          class: 'bar-run',
          x: x(entry.start),
          y,
          width: Math.max(1.5, x(end) - x(entry.start)),
          height: TIMELINE.rowHeight,
          rx: 1.5,
        }),
      );
    }
    bars.push(bar);
  }
  const height = TIMELINE.gap + Math.max(4, rowEnds.length) * (TIMELINE.rowHeight + TIMELINE.gap);
  setAttrs(lane.ui.timeline, { viewBox: '0 0 ' + TIMELINE.width + ' ' + height, height });
  lane.ui.timeline.replaceChildren(...bars);
  lane.ui.axisFrom.textContent = '−' + formatMs(span);
}

/** Keyed rows: existing rows are updated in place, in the order given. */
function syncRows(tbody, rows, create, update) {
  const existing = new Map([...tbody.rows].map((tr) => [tr.dataset.taskId, tr]));
  const ordered = rows.map((row) => {
    let tr = existing.get(row.id);
    existing.delete(row.id);
    if (!tr) tr = el('tr', { 'data-task-id': row.id, 'data-testid': 'task-row' }, ...create(row));
    update(tr, row);
    return tr;
  });
  for (const tr of existing.values()) tr.remove();
  ordered.forEach((tr, index) => {
    if (tbody.rows[index] !== tr) tbody.insertBefore(tr, tbody.rows[index] || null);
  });
  if (rows.length === 0 && !tbody.querySelector('.empty')) {
    tbody.append(el('tr', { class: 'empty' }, el('td', { colspan: 4, text: 'None' })));
  } else if (rows.length > 0) tbody.querySelector('.empty')?.remove();
}

function renderWarnings(lane) {
  const items = lane.warnings
    .slice(-MAX_WARNINGS)
    .reverse()
    .map((w) =>
      el(
        'li',
        { title: w.message },
        el('time', { text: new Date(w.at).toLocaleTimeString() }),
        el('span', { class: 'kind ' + (w.kind === 'error' ? 'error' : ''), text: w.kind }),
        w.message,
      ),
    );
  lane.ui.warnings.replaceChildren(
    ...(items.length > 0 ? items : [el('li', { class: 'empty', text: 'No warnings' })]),
  );
}
`;
