// How an exported HTML page lays out what the browser would otherwise draw unlike the editor: a task
// list's items are a box beside their text (no bullets, the box not on a line of its own above the text;
// a done item's text struck through), a table's cells are ruled with a shaded header row, and images fit
// the page. The editor's own rules (apps/editor/src/style.css), reduced to what a plain page lacks.

const RULES = [
  'ul.task-list{list-style:none;padding-left:0.2em}',
  'li.task-item{display:flex;gap:0.5em;align-items:baseline}',
  '.task-item-content{flex:1;min-width:0}',
  'li.task-item[data-checked=true]>.task-item-content>p:first-child{color:#6b7280;text-decoration:line-through}',
  'table{border-collapse:collapse;margin:0 0 0.8em}',
  'th,td{border:1px solid #d1d5db;padding:4px 8px;vertical-align:top;text-align:left}',
  'th{background:#f3f4f6}',
  'th>p,td>p{margin:0}',
  'img{max-width:100%}',
];

/** A `<style>` element with the rules above, for the page's head. */
export const LAYOUT_STYLE = `<style>${RULES.join('')}</style>`;
