import { DIAGRAM_ARROW_ID, renderMachineDiagram } from './machineDiagram.js';
import { PAGE_DOM } from './pageDom.js';
import { PAGE_RENDER } from './pageRender.js';
import { PAGE_SCRIPT } from './pageScript.js';
import { PAGE_STYLES } from './pageStyles.js';

/** What one rendering of the page needs. */
export interface DashboardPageInput {
  /** The server's cancel token, written into the page for its own requests. */
  readonly token: string;
  /** A fresh nonce, allowed by the response's Content-Security-Policy for the inline style and script. */
  readonly nonce: string;
  /** The lanes' names, for the title. */
  readonly laneNames: readonly string[];
}

/** Built once: the same for every server and request. */
const DIAGRAM = renderMachineDiagram();

/**
 * The whole dashboard as one HTML document: inline CSS, JS and SVG, nothing loaded from
 * anywhere but this server (`/events` and the cancel route).
 *
 * @remarks The token and nonce are base64url, the lane names are escaped: nothing that came
 * from a caller is written into the document unescaped.
 */
export function renderDashboardPage({ token, nonce, laneNames }: DashboardPageInput): string {
  const title = `async-scheduler · ${laneNames.map(escapeHtml).join(', ')}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="dashboard-token" content="${escapeHtml(token)}">
<link rel="icon" href="data:,">
<title>${title}</title>
<style nonce="${nonce}">${PAGE_STYLES}</style>
</head>
<body>
<header class="top">
<h1>async-scheduler</h1>
<span class="status" data-testid="connection-status" data-live="false">connecting…</span>
<span class="spacer"></span>
</header>
<main></main>
<svg class="defs" width="0" height="0" aria-hidden="true">
<defs><marker id="${DIAGRAM_ARROW_ID}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>
</svg>
<template id="machine-diagram">${DIAGRAM}</template>
<script type="module" nonce="${nonce}">${PAGE_DOM}${PAGE_RENDER}${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for an HTML text node or a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}
