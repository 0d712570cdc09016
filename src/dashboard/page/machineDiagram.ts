import { taskMachine } from '../../machines/taskMachine.js';

/** A state's box in the diagram, in SVG user units. */
interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** One edge of the machine: a state and a state an event takes it to. */
export interface MachineEdge {
  readonly from: string;
  readonly to: string;
  /** The events that take it (e.g. `task.cancel`). */
  readonly events: readonly string[];
}

const WIDTH = 648;
const HEIGHT = 196;
const BOX_WIDTH = 100;
const BOX_HEIGHT = 52;
const FINAL_WIDTH = 136;
const FINAL_HEIGHT = 40;
/** How far a backward edge (none today; a retry would be one) bows above its states. */
const BACK_EDGE_BOW = 32;

/**
 * Where each state sits: the way to a task's start along the top, three of the final states
 * on the right, and CANCELED along the bottom, since every non-final state can reach it.
 */
const LAYOUT: Readonly<Record<string, Box>> = {
  NEW: { x: 6, y: 46, width: BOX_WIDTH, height: BOX_HEIGHT },
  SUBMITTED: { x: 128, y: 46, width: BOX_WIDTH, height: BOX_HEIGHT },
  SCHEDULED: { x: 250, y: 46, width: BOX_WIDTH, height: BOX_HEIGHT },
  STARTED: { x: 372, y: 46, width: BOX_WIDTH, height: BOX_HEIGHT },
  DONE: { x: 506, y: 4, width: FINAL_WIDTH, height: FINAL_HEIGHT },
  FAILED: { x: 506, y: 52, width: FINAL_WIDTH, height: FINAL_HEIGHT },
  TIMED_OUT: { x: 506, y: 100, width: FINAL_WIDTH, height: FINAL_HEIGHT },
  CANCELED: { x: 6, y: 150, width: 466, height: FINAL_HEIGHT },
};

/** The id of the arrowhead marker the page defines once for every diagram. */
export const DIAGRAM_ARROW_ID = 'dashboard-arrow';

/** The task machine's states, in the order it declares them. */
export function machineStates(): string[] {
  return Object.keys(taskMachine.root.states);
}

/**
 * The task machine's edges, read from the machine itself, so a new edge (a retry) shows up
 * in the diagram without touching this file.
 */
export function machineEdges(): MachineEdge[] {
  const edges = new Map<string, { from: string; to: string; events: string[] }>();
  for (const [from, node] of Object.entries(taskMachine.root.states)) {
    for (const transition of [...node.transitions.values()].flat()) {
      for (const target of transition.target ?? []) {
        const key = `${from}→${target.key}`;
        const edge = edges.get(key) ?? { from, to: target.key, events: [] };
        edge.events.push(transition.eventType);
        edges.set(key, edge);
      }
    }
  }
  return [...edges.values()];
}

/**
 * The SVG of the task machine, with one `data-testid="state-count-<STATE>"` text per state
 * for the page to fill in.
 *
 * @remarks A state the layout does not know (added to the machine later) is placed in the
 * free space at the bottom right rather than left out.
 */
export function renderMachineDiagram(): string {
  const boxes = placeStates(machineStates());
  const edges = machineEdges()
    .map((edge) => renderEdge(edge, boxes))
    .join('');
  const states = [...boxes].map(([state, box]) => renderState(state, box)).join('');
  return (
    `<svg class="machine" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" ` +
    `aria-label="Task states with live counts">${edges}${states}</svg>`
  );
}

function placeStates(states: readonly string[]): Map<string, Box> {
  const boxes = new Map<string, Box>();
  let spare = 0;
  for (const state of states) {
    const known = LAYOUT[state];
    const box = known ?? { x: 506, y: 150 + spare * 24, width: FINAL_WIDTH, height: 20 };
    if (known === undefined) spare++;
    boxes.set(state, box);
  }
  return boxes;
}

function renderState(state: string, box: Box): string {
  const cx = box.x + box.width / 2;
  const tall = box.height >= BOX_HEIGHT;
  const labelY = box.y + (tall ? 20 : box.height / 2 + 4);
  const countY = tall ? box.y + 42 : labelY;
  const countX = tall ? cx : box.x + box.width - 12;
  const labelX = tall ? cx : box.x + 12;
  const anchor = tall ? 'middle' : 'start';
  return (
    `<g class="state state-${state.toLowerCase()}" data-state="${state}">` +
    `<rect x="${box.x}" y="${box.y}" width="${box.width}" height="${box.height}" rx="10"/>` +
    `<text class="state-label" x="${labelX}" y="${labelY}" text-anchor="${anchor}">${state}</text>` +
    `<text class="state-count" x="${countX}" y="${countY}" text-anchor="${tall ? 'middle' : 'end'}" ` +
    `data-testid="state-count-${state}">0</text></g>`
  );
}

function renderEdge(edge: MachineEdge, boxes: ReadonlyMap<string, Box>): string {
  const from = boxes.get(edge.from);
  const to = boxes.get(edge.to);
  if (from === undefined || to === undefined) return '';
  return (
    `<path class="edge edge-${edge.to.toLowerCase()}" d="${edgePath(from, to)}" ` +
    `marker-end="url(#${DIAGRAM_ARROW_ID})"><title>${edge.events.join(', ')}</title></path>`
  );
}

/** Right when the target is to the right, down when below, else a bow above both. */
function edgePath(from: Box, to: Box): string {
  const fromRight = from.x + from.width;
  const fromMidY = from.y + from.height / 2;
  if (to.x >= fromRight) {
    const toMidY = to.y + to.height / 2;
    const bend = fromRight + (to.x - fromRight) / 2;
    return `M${fromRight},${fromMidY} C${bend},${fromMidY} ${bend},${toMidY} ${to.x - 2},${toMidY}`;
  }
  const fromBottom = from.y + from.height;
  if (to.y >= fromBottom) {
    const x = Math.min(Math.max(from.x + from.width / 2, to.x + 8), to.x + to.width - 8);
    return `M${x},${fromBottom} L${x},${to.y - 2}`;
  }
  const startX = from.x + from.width / 2;
  const endX = to.x + to.width / 2;
  const top = Math.min(from.y, to.y);
  return `M${startX},${from.y} C${startX},${top - BACK_EDGE_BOW} ${endX},${top - BACK_EDGE_BOW} ${endX},${to.y - 2}`;
}
