import { FINAL_STATES } from '../../machines/taskLifecycle.js';
import { TaskState } from '../../taskState.js';

/**
 * The page's building blocks (browser JavaScript, as a string): DOM and SVG helpers, number
 * formats, and a lane's section, built once per lane.
 *
 * @remarks Everything that came from a scheduler (task names, messages) goes in through
 * `textContent` or attributes, never `innerHTML`.
 */
export const PAGE_DOM = /* js */ `
const SVG_NS = 'http://www.w3.org/2000/svg';
const MAX_WARNINGS = 50;

function setAttrs(node, attrs) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === 'text') node.textContent = value;
    else node.setAttribute(key, String(value));
  }
  return node;
}
function el(tag, attrs, ...children) {
  const node = setAttrs(document.createElement(tag), attrs);
  node.append(...children);
  return node;
}
function svgEl(tag, attrs) {
  return setAttrs(document.createElementNS(SVG_NS, tag), attrs);
}
function stateClass(state) {
  return 'state-' + state.toLowerCase();
}
function shortId(id) {
  return id.slice(-6);
}
function formatMs(ms) {
  if (ms === undefined || ms === null || Number.isNaN(ms)) return '–';
  if (ms < 1) return ms.toFixed(2) + ' ms';
  if (ms < 1000) return ms.toFixed(ms < 10 ? 1 : 0) + ' ms';
  if (ms < 60000) return (ms / 1000).toFixed(2) + ' s';
  const minutes = Math.floor(ms / 60000);
  return minutes + 'm ' + String(Math.floor((ms % 60000) / 1000)).padStart(2, '0') + 's';
}
/** HH:MM:SS.mmm in UTC, as formatTasks prints stamps. */
function clockTime(at) {
  return typeof at === 'number' ? new Date(at).toISOString().slice(11, 23) : '–';
}
/** One earlier attempt: its state, start → end (how long), and its error. */
function describeAttempt(a) {
  const span = clockTime(a.start) + ' → ' + clockTime(a.end) + ' (' + formatMs(a.end - a.start) + ')';
  return '#' + a.attempt + ' ' + a.state + ' ' + span + (a.error ? ' · ' + a.error : '');
}
/** Name and short id; for a retried task its attempt, and its earlier attempts to unfold. */
function taskCell(row) {
  const cell = el(
    'td',
    { title: row.name + ' ' + row.id },
    row.name,
    el('span', { class: 'id', text: shortId(row.id) }),
  );
  if (row.attempt > 1) {
    const text = 'attempt ' + row.attempt;
    cell.append(el('span', { class: 'attempt', 'data-testid': 'attempt', text }));
  }
  if (row.attempts && row.attempts.length > 0) {
    const count = row.attempts.length;
    const items = row.attempts.map((a) => el('li', { text: describeAttempt(a) }));
    cell.append(
      el(
        'details',
        { class: 'attempts', 'data-testid': 'attempts' },
        el('summary', { text: count + ' earlier attempt' + (count > 1 ? 's' : '') }),
        el('ol', {}, ...items),
      ),
    );
  }
  return cell;
}

function card(title, ...content) {
  return el('div', { class: 'card' }, el('h3', { text: title }), ...content);
}
/** A table of tasks: a Task column, then right-aligned ones. */
function table(testId, tbody, ...columns) {
  const th = (text, numeric) => el('th', { class: numeric ? 'num' : '', text });
  const head = el('tr', {}, th('Task', false), ...columns.map((text) => th(text, true)));
  return el('table', { 'data-testid': testId }, el('thead', {}, head), tbody);
}

/** Builds a lane's section (diagram cloned from the page's template) and returns its parts. */
function createLaneSection(name) {
  const figures = el('dl', { class: 'figures' });
  const diagram = document
    .getElementById('machine-diagram')
    .content.firstElementChild.cloneNode(true);
  const timeline = svgEl('svg', { 'data-testid': 'timeline', preserveAspectRatio: 'none' });
  const axisFrom = el('span');
  const legend = el('div', { class: 'legend' }, el('span', { class: 'wait', text: 'waiting' }));
  for (const state of ${JSON.stringify([TaskState.STARTED, ...FINAL_STATES])}) {
    legend.append(
      el('span', { class: stateClass(state), text: state.toLowerCase().replace('_', ' ') }),
    );
  }
  const outcomes = el('div', { class: 'outcomes', 'data-testid': 'outcomes' });
  const running = el('tbody');
  const finished = el('tbody');
  const retrying = el('tbody');
  const cancelResult = el('div', {
    class: 'cancel-result',
    'data-testid': 'cancel-result',
    'aria-live': 'polite',
  });
  const warnings = el('ul', { class: 'warnings', 'data-testid': 'warnings' });
  const kind = el('span', { class: 'badge', hidden: '' });
  const stopped = el('span', { class: 'badge stopped', text: 'stopped', hidden: '' });
  const root = el(
    'section',
    { class: 'lane', 'data-testid': 'lane-' + name, 'data-lane': name },
    el('header', {}, el('h2', { text: name }), kind, stopped, figures),
    el(
      'div',
      { class: 'grid' },
      card('Task states', diagram, outcomes),
      el(
        'div',
        { class: 'card timeline' },
        el('h3', { text: 'Recent tasks' }),
        timeline,
        el('div', { class: 'axis' }, axisFrom, el('span', { text: 'now' })),
        legend,
      ),
      el(
        'div',
        { class: 'tables wide' },
        card(
          'Slowest running',
          table('slowest-running', running, 'Wait', 'Running', ''),
          cancelResult,
        ),
        card('Slowest finished', table('slowest-finished', finished, 'State', 'Wait', 'Run')),
        card('Waiting to retry', table('retrying', retrying, 'Runs after', 'In')),
        card('Warnings', warnings),
      ),
    ),
  );
  return {
    root,
    figures,
    diagram,
    outcomes,
    timeline,
    axisFrom,
    running,
    finished,
    retrying,
    cancelResult,
    warnings,
    kind,
    stopped,
  };
}
`;
