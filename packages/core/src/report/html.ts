/**
 * NAME.d/report.html: one self-contained page (no network, no external file) about a
 * build: the timeline of phases, scripts and the longest host commands, the elements and
 * why each is there, the installed packages with sizes, the outputs with sizes and
 * sha256, and what came from the stage cache. Rendered here; the page's script only
 * sorts and filters tables.
 */
import type { Span } from './recorder.js';

export interface ReportData {
  image: string;
  startedAt: Date;
  durationMs: number;
  dibVersion: string;
  arch: string;
  spans: readonly Span[];
  elements: readonly { name: string; source: string; reasons: readonly string[] }[];
  /** Sizes in KiB when the package manager recorded them. */
  packages: readonly { name: string; arch: string; version: string; sizeKiB?: number }[];
  outputs: readonly { type: string; path: string; bytes: number; sha256: string }[];
  cache: readonly { action: string; at: string; bytes?: number; durationMs: number }[];
  warnings: readonly string[];
}

/** How many host commands the timeline shows: the longest ones. */
const LONGEST_COMMANDS = 15;

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
const size = (bytes: number) => {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let n = bytes;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return `${n.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
};

function timeline(spans: readonly Span[], total: number): string {
  const scale = Math.max(total, 1);
  const longest = spans
    .filter((s) => s.kind === 'command')
    .sort((a, b) => b.durationMs - a.durationMs)
    .slice(0, LONGEST_COMMANDS);
  const shown = [...spans.filter((s) => s.kind !== 'command'), ...longest].sort((a, b) => a.start - b.start || (a.kind === 'phase' ? -1 : 1));
  const rows = shown.map((s) => {
    const left = ((s.start / scale) * 100).toFixed(3);
    const width = Math.max((s.durationMs / scale) * 100, 0.15).toFixed(3);
    return `<tr class="span ${s.kind} ${s.status}" data-kind="${s.kind}"><td class="name">${escape(s.name)}</td><td class="detail">${escape(s.detail)}</td><td class="num">${seconds(s.durationMs)}</td><td class="track"><div class="bar" style="left:${left}%;width:${width}%" title="${escape(`${s.name}: ${seconds(s.start)} + ${seconds(s.durationMs)}`)}"></div></td></tr>`;
  });
  return `<table id="timeline"><thead><tr><th>step</th><th>element / kind</th><th>time</th><th class="track">0 s … ${seconds(total)}</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function table(id: string, headers: readonly string[], rows: readonly (readonly (string | number)[])[], numeric: readonly number[] = []): string {
  const head = headers.map((h, i) => `<th data-col="${i}"${numeric.includes(i) ? ' data-numeric="1"' : ''}>${escape(h)}</th>`).join('');
  const body = rows
    .map(
      (r) =>
        `<tr>${r.map((c, i) => (numeric.includes(i) ? `<td class="num" data-value="${typeof c === 'number' ? c : ''}">${typeof c === 'number' ? size(c) : escape(c)}</td>` : `<td>${escape(String(c))}</td>`)).join('')}</tr>`,
    )
    .join('');
  return `<table id="${id}" class="sortable"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.6em}
table{border-collapse:collapse;width:100%;margin:.4em 0}
th,td{border-bottom:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top}
th{background:#f4f4f4;cursor:pointer;user-select:none}
td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
#timeline td.track,#timeline th.track{width:55%;position:relative}
#timeline .bar{position:absolute;top:3px;bottom:3px;border-radius:2px;background:#4a7bd0}
#timeline tr.phase td{font-weight:600}#timeline tr.phase .bar{background:#1f3f7a}
#timeline tr.command .bar{background:#c08a2a}#timeline tr.failed .bar{background:#c0392b}
#timeline tr.script td.name{padding-left:1.5em}
.summary span{margin-right:1.5em}.warn{color:#a35c00}
input{margin:.3em 0;padding:2px 4px}
`;

/** Sorting by a clicked header and filtering the packages; the page works without it. */
const SCRIPT = `
document.querySelectorAll('table.sortable th').forEach(function (th) {
  th.addEventListener('click', function () {
    var table = th.closest('table'), body = table.tBodies[0], col = Number(th.dataset.col);
    var numeric = th.dataset.numeric === '1', dir = th.dataset.dir === 'asc' ? -1 : 1;
    th.dataset.dir = dir === 1 ? 'asc' : 'desc';
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[col], y = b.cells[col];
      if (numeric) return (Number(x.dataset.value || 0) - Number(y.dataset.value || 0)) * dir;
      return x.textContent.localeCompare(y.textContent) * dir;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
var filter = document.getElementById('package-filter');
if (filter) filter.addEventListener('input', function () {
  var word = filter.value.toLowerCase();
  Array.prototype.forEach.call(document.getElementById('packages').tBodies[0].rows, function (r) {
    r.hidden = word !== '' && r.cells[0].textContent.toLowerCase().indexOf(word) < 0;
  });
});
document.body.dataset.ready = '1';
`;

export function reportHtml(d: ReportData): string {
  const packageBytes = d.packages.reduce((sum, p) => sum + (p.sizeKiB ?? 0) * 1024, 0);
  const sections = [
    `<h1>dib build report: ${escape(d.image)}</h1>`,
    `<p class="summary"><span>started ${escape(d.startedAt.toISOString())}</span><span>took ${seconds(d.durationMs)}</span><span>${escape(d.arch)}</span><span>dib ${escape(d.dibVersion)}</span></p>`,
    d.warnings.length ? `<h2>Warnings</h2><ul>${d.warnings.map((w) => `<li class="warn">${escape(w)}</li>`).join('')}</ul>` : '',
    `<h2>Timeline</h2><p>Phases, their scripts and the ${LONGEST_COMMANDS} longest host commands.</p>${timeline(d.spans, d.durationMs)}`,
    `<h2>Outputs</h2>${table(
      'outputs',
      ['type', 'file', 'size', 'sha256'],
      d.outputs.map((o) => [o.type, o.path, o.bytes, o.sha256]),
      [2],
    )}`,
    `<h2>Elements (${d.elements.length})</h2>${table(
      'elements',
      ['element', 'from', 'why'],
      d.elements.map((e) => [e.name, e.source, e.reasons.join('; ')]),
    )}`,
    `<h2>Packages (${d.packages.length}${packageBytes ? `, ${size(packageBytes)} installed` : ''})</h2><input id="package-filter" placeholder="filter by name">${table(
      'packages',
      ['package', 'arch', 'version', 'installed size'],
      d.packages.map((p) => [p.name, p.arch, p.version, p.sizeKiB === undefined ? '' : p.sizeKiB * 1024]),
      [3],
    )}`,
    `<h2>Stage cache</h2>${
      d.cache.length
        ? table(
            'cache',
            ['action', 'after phase', 'size', 'time'],
            d.cache.map((c) => [c.action, c.at, c.bytes ?? '', seconds(c.durationMs)]),
            [2],
          )
        : '<p id="cache">Nothing restored or stored.</p>'
    }`,
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>dib report: ${escape(d.image)}</title><style>${STYLE}</style></head>
<body>${sections.join('\n')}
<script>${SCRIPT}</script>
</body></html>
`;
}
