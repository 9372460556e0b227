"""The HTML report: one self-contained page a compliance officer can open, sort, filter and send.

No network: inline CSS and JS, no fonts, scripts or images from anywhere, and a
Content-Security-Policy that lets only this page's own script run (by its hash). The page has a
header (source, target, times; a red banner for synthetic demo data; ``#columns``, which input
column was read as which role and which were ignored), a ``#summary`` (counts by status, outcome
and gap; ``#blocked-rows``, the first rows with a blocker by number and holder; outcomes and gaps
by country as CSS bars), and the ``#results`` table: one
``tr.result-row`` per input row (row number, input columns, status, outcome, gaps) with
``data-outcome`` and ``data-status``, sortable by any column, filtered by the ``#filter`` text box
and the ``#outcome-filter`` select, and expandable to the row's detail (claims, checks with findings
and evidence, screening, the assessment's gaps with citation and remedy).

Column names: the table's headers are ``row``, each input column as ``input.<name>``, then
``status``, ``outcome`` and ``gaps``: the same names as the CSV report, and an input column can
never pass for one of credverify's. Every URL is shown without user info or secret query values.

Escaping: every value in the markup goes through :func:`html.escape` (quote=True); the detail of
each row is JSON in ``<script type="application/json">`` with ``<``, ``>`` and ``&`` written as
``\\u003c``, ``\\u003e`` and ``\\u0026``, so no value can close the element, and the script builds
the detail with ``textContent``, never ``innerHTML``.

Streaming: the summary comes first on the page but is known last, so table rows and details go to
two temporary files next to the report while the rows stream, and the page is assembled at the end.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from html import escape
from pathlib import Path
from typing import IO, Any

from credverify.records import Outcome, RowResult
from credverify.reports._common import (
    NO_OUTCOME,
    STATUS_ORDER,
    RunInfo,
    Summary,
    input_column,
    redact_urls,
    scrub,
)

__all__ = ["SYNTHETIC_BANNER", "script_json", "write"]

SYNTHETIC_BANNER = (
    "SYNTHETIC DEMO DATA: these results come from the synthetic demo registry, "
    "not from any primary source."
)
OUTCOME_ORDER = (*(o.value for o in Outcome), NO_OUTCOME)
CHART_COUNTRIES = 25
"""Countries charted one by one; the rest are drawn together as "other"."""

_GAP_COLOURS = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
    "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#393b79", "#843c39",
)  # fmt: skip


def e(value: object) -> str:
    """Escape for text and attribute values alike."""
    return escape(str(value), quote=True)


def script_json(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element: nothing in it can close the element.

    >>> script_json({"name": "</script><b>&"})
    '{"name":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def write(path: Path, rows: Iterable[RowResult], run: RunInfo, summary: Summary) -> None:
    synthetic = run.synthetic
    with (
        tempfile.TemporaryFile("w+", encoding="utf-8", dir=path.parent) as table,
        tempfile.TemporaryFile("w+", encoding="utf-8", dir=path.parent) as details,
    ):
        for index, row in enumerate(rows):
            synthetic = synthetic or row.synthetic
            table.write(_table_row(index, row, run))
            details.write(("," if index else "") + script_json(_detail(row)))
        with path.open("w", encoding="utf-8", newline="\n") as out:
            out.write(_head(run))
            out.write("<body>\n")
            if synthetic:
                out.write(f'<div id="synthetic-banner" role="alert">{e(SYNTHETIC_BANNER)}</div>\n')
            out.write(_header(run, summary))
            out.write(_summary(summary))
            out.write(_table_head(run, summary))
            _copy(table, out)
            out.write("</tbody>\n</table>\n</section>\n")
            out.write('<script type="application/json" id="row-details">[')
            _copy(details, out)
            out.write("]</script>\n")
            out.write(f"<script>{_SCRIPT}</script>\n</body>\n</html>\n")


def _copy(source: IO[str], target: IO[str]) -> None:
    source.seek(0)
    shutil.copyfileobj(source, target)


def _head(run: RunInfo) -> str:
    digest = base64.b64encode(hashlib.sha256(_SCRIPT.encode()).digest()).decode()
    policy = (
        "default-src 'none'; style-src 'unsafe-inline'; "
        f"script-src 'sha256-{digest}'; img-src data:; base-uri 'none'; form-action 'none'"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{e(policy)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="credverify">\n'
        f"<title>credverify report: {e(run.source)}</title>\n"
        f"<style>{_STYLE}</style>\n</head>\n"
    )


def _header(run: RunInfo, summary: Summary) -> str:
    seconds = max(0.0, (run.finished - run.started).total_seconds())
    items = [
        ("Source", run.source),
        ("Target", run.target or "none (verification only)"),
        ("Started", run.started.isoformat(timespec="seconds")),
        ("Finished", run.finished.isoformat(timespec="seconds")),
        ("Duration", f"{seconds:.1f} s"),
        ("Rows", f"{summary.rows:,}"),
    ]
    if run.header_row != 1:
        items.insert(1, ("Header row", f"{run.header_row} (rows above it skipped)"))
    facts = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in items)
    return (
        f'<header>\n<h1>credverify report</h1>\n<dl id="run">{facts}</dl>\n'
        f"{_columns(run)}</header>\n"
    )


def _columns(run: RunInfo) -> str:
    """Which input column was read as which role, and which were ignored."""
    if not run.mapping:
        return ""
    rows = "".join(
        f'<tr class="{"ignored" if role == "ignored" else "mapped"}"><td>{e(position)}</td>'
        f"<td>{e(redact_urls(column))}</td><td>{e(role)}</td></tr>"
        for position, column, role in run.mapping_rows()
    )
    return (
        '<details id="columns" open><summary>Columns read</summary>\n'
        "<table><thead><tr><th>#</th><th>column</th><th>role</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></details>\n"
    )


def _summary(summary: Summary) -> str:
    statuses = sorted(summary.by_status.items(), key=lambda kv: _rank(kv[0], STATUS_ORDER))
    outcomes = sorted(summary.by_outcome.items(), key=lambda kv: _rank(kv[0], OUTCOME_ORDER))
    gaps = summary.by_gap.most_common()
    totals = (
        f"{summary.rows:,} rows, {summary.errors:,} with an error, "
        f"{summary.blocked:,} with a blocker"
    )
    parts = [
        '<section id="summary">\n<h2>Summary</h2>\n',
        f'<p class="totals">{e(totals)}</p>\n<div class="counts">\n',
        _count_table("by-status", "Rows by status", statuses, summary.rows, "s"),
        _count_table("by-outcome", "Rows by outcome", outcomes, summary.rows, "o"),
        _count_table("by-gap", "Rows by gap", gaps, summary.rows, None),
        "</div>\n",
        _blocked(summary),
        _chart(
            "chart-outcomes",
            "Outcomes by country",
            summary.by_country,
            OUTCOME_ORDER,
            lambda outcome: (f"o-{outcome}", ""),
        ),
    ]
    gap_codes = [code for code, _ in gaps]
    colours = {code: _GAP_COLOURS[i % len(_GAP_COLOURS)] for i, code in enumerate(gap_codes)}
    if gap_codes:
        parts.append(
            _chart(
                "chart-gaps",
                "Gaps by country (rows with each gap)",
                summary.gaps_by_country,
                gap_codes,
                lambda code: ("", f"background:{colours[code]}"),
            )
        )
    parts.append("</section>\n")
    return "".join(parts)


def _blocked(summary: Summary) -> str:
    """The first rows with a blocker, each named by its number and holder."""
    if not summary.blocked_rows:
        return ""
    shown = len(summary.blocked_rows)
    title = f"Rows with a blocker: the first {shown:,} of {summary.blocked:,}"
    items = "".join(f"<li>{e(redact_urls(line))}</li>" for line in summary.blocked_rows)
    return f'<h3>{e(title)}</h3>\n<ul id="blocked-rows">{items}</ul>\n'


def _rank(name: str, order: tuple[str, ...]) -> int:
    return order.index(name) if name in order else len(order)


def _count_table(
    ident: str, caption: str, counts: list[tuple[str, int]], total: int, prefix: str | None
) -> str:
    if not counts:
        body = '<tr><td colspan="3">none</td></tr>'
    else:
        lines = []
        for name, count in counts:
            label = (
                f'<span class="badge {prefix}-{e(name)}">{e(name)}</span>' if prefix else e(name)
            )
            share = f"{100 * count / total:.1f}%" if total else ""
            lines.append(
                f'<tr><td>{label}</td><td class="num">{count:,}</td>'
                f'<td class="num">{share}</td></tr>'
            )
        body = "".join(lines)
    return (
        f'<table class="count" id="{ident}"><caption>{e(caption)}</caption>'
        f'<thead><tr><th scope="col">{e(caption.split()[-1])}</th><th scope="col">rows</th>'
        f'<th scope="col">share</th></tr></thead><tbody>{body}</tbody></table>\n'
    )


def _chart(
    ident: str,
    title: str,
    by_country: dict[str, Counter[str]],
    keys: Iterable[str],
    paint: Callable[[str], tuple[str, str]],
) -> str:
    """Stacked horizontal CSS bars, one per country, widths relative to the largest country.

    ``paint(key)`` gives a segment's extra CSS class and inline style."""
    keys = list(keys)
    countries = sorted(by_country.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    if len(countries) > CHART_COUNTRIES:
        other: Counter[str] = Counter()
        for _, counts in countries[CHART_COUNTRIES - 1 :]:
            other.update(counts)
        countries = [*countries[: CHART_COUNTRIES - 1], ("other", other)]
    if not countries:
        return ""
    widest = max(sum(c.values()) for _, c in countries) or 1
    lines = [f'<figure class="chart" id="{ident}"><figcaption>{e(title)}</figcaption>\n']
    for country, counts in countries:
        label = ", ".join(f"{k}: {counts[k]:,}" for k in keys if counts[k])
        segments = []
        for key in (k for k in keys if counts[k]):
            css, style = paint(key)
            classes = " ".join(filter(None, ["seg", css]))
            styles = ";".join(filter(None, [f"width:{100 * counts[key] / widest:.3f}%", style]))
            segments.append(
                f'<span class="{e(classes)}" style="{e(styles)}" '
                f'title="{e(f"{key}: {counts[key]:,}")}"></span>'
            )
        lines.append(
            f'<div class="bar-row"><span class="country">{e(country)}</span>'
            f'<span class="bar" role="img" aria-label="{e(f"{country}: {label}")}">'
            f'{"".join(segments)}</span><span class="num">{sum(counts.values()):,}</span></div>\n'
        )
    legend = []
    for key in keys:
        css, style = paint(key)
        styled = f' style="{e(style)}"' if style else ""
        legend.append(f'<li><span class="swatch {e(css)}"{styled}></span>{e(key)}</li>')
    lines.append(f'<ul class="legend">{"".join(legend)}</ul></figure>\n')
    return "".join(lines)


def _table_head(run: RunInfo, summary: Summary) -> str:
    options = ['<option value="">all outcomes</option>']
    for outcome in sorted(summary.by_outcome, key=lambda o: _rank(o, OUTCOME_ORDER)):
        options.append(f'<option value="{e(outcome)}">{e(outcome)}</option>')
    headers = ['<th scope="col" class="toggle-col"><span class="sr">details</span></th>']
    headers.append(_sortable("row", numeric=True))
    headers += [_sortable(input_column(column)) for column in run.columns]
    headers += [_sortable("status"), _sortable("outcome"), _sortable("gaps")]
    return (
        '<section id="rows">\n<h2>Rows</h2>\n<div class="controls">'
        '<label>Filter <input id="filter" type="search" placeholder="any text" autocomplete="off">'
        "</label> "
        f'<label>Outcome <select id="outcome-filter">{"".join(options)}</select></label> '
        f'<span id="shown" aria-live="polite">{summary.rows:,} of {summary.rows:,} rows</span>'
        "</div>\n"
        f'<table id="results">\n<thead><tr>{"".join(headers)}</tr></thead>\n<tbody>\n'
    )


def _sortable(label: str, *, numeric: bool = False) -> str:
    kind = ' data-type="number"' if numeric else ""
    return (
        f'<th scope="col"{kind} aria-sort="none"><button type="button" class="sort">'
        f"{e(label)}</button></th>"
    )


def _table_row(index: int, row: RowResult, run: RunInfo) -> str:
    status = row.status
    outcome = row.outcome or NO_OUTCOME
    title = f' title="{e(redact_urls(row.error))}"' if row.error else ""
    cells = [
        '<td><button type="button" class="toggle" aria-expanded="false" '
        f'aria-label="details of row {row.row}">+</button></td>',
        f'<td class="num">{row.row}</td>',
        *(f"<td>{e(redact_urls(row.values.get(column, '')))}</td>" for column in run.columns),
        f'<td><span class="badge s-{e(status)}"{title}>{e(status)}</span></td>',
        f'<td><span class="badge o-{e(outcome)}">{e(row.outcome)}</span></td>',
        f"<td>{e(' '.join(row.gap_codes))}</td>",
    ]
    return (
        f'<tr class="result-row" data-index="{index}" data-row="{row.row}" '
        f'data-outcome="{e(outcome)}" data-status="{e(status)}">{"".join(cells)}</tr>\n'
    )


def _detail(row: RowResult) -> dict[str, Any]:
    """What the expanded row shows; lean: no raw registry details, no rule trace."""
    detail: dict[str, Any] = {"row": row.row}
    if row.error:
        detail["error"] = row.error
    if row.notes:
        detail["notes"] = list(row.notes)
    if row.synthetic:
        detail["synthetic"] = True
    detail["claims"] = [c.model_dump(mode="json", exclude_defaults=True) for c in row.claims]
    detail["checks"] = [
        c.model_dump(
            mode="json",
            exclude_defaults=True,
            exclude={"claim": {"evidence"}, "record": {"details"}},
        )
        for c in row.checks
    ]
    if row.screening is not None:
        detail["screening"] = row.screening.model_dump(
            mode="json",
            exclude_defaults=True,
            exclude={"hits": {"__all__": {"record": {"details"}}}},
        )
    if row.assessment is not None:
        detail["assessment"] = row.assessment.model_dump(
            mode="json", exclude_defaults=True, exclude={"trace"}
        )
    scrubbed: dict[str, Any] = scrub(detail)
    return scrubbed


_STYLE = """
:root{--fg:#1b1b1b;--muted:#5f6368;--line:#d0d4d9;--bg:#fff;--alt:#f6f7f9}
*{box-sizing:border-box}
body{margin:0;padding:0 1.5rem 3rem;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,
"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
#synthetic-banner{margin:0 -1.5rem;padding:.8rem 1.5rem;background:#b00020;color:#fff;
font-weight:700;font-size:1.1rem;letter-spacing:.02em;position:sticky;top:0;z-index:2}
h1{font-size:1.5rem;margin:1.2rem 0 .4rem}h2{font-size:1.2rem;margin:1.6rem 0 .6rem}
#run{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:0}
#run dt{color:var(--muted)}#run dd{margin:0;overflow-wrap:anywhere}
#columns tr.ignored td{color:var(--muted)}
.totals{font-weight:600}
.counts{display:flex;flex-wrap:wrap;gap:1.5rem;align-items:flex-start}
table{border-collapse:collapse}
table.count caption{text-align:left;font-weight:600;padding-bottom:.3rem}
table.count td,table.count th{padding:.15rem .6rem;border-bottom:1px solid var(--line);
text-align:left}
.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:0 .45rem;border-radius:.6rem;background:#e8eaed;
white-space:nowrap}
.s-verified,.o-recognized{background:#d7f0dc;color:#0b5d1e}
.s-partial,.s-attested,.o-partial{background:#fff0c2;color:#6b4e00}
.s-mismatch,.s-inactive,.s-not-found,.s-invalid,.s-error,.o-not-recognized{background:#fbd9d7;
color:#8a1410}
.s-unverifiable,.o-unknown{background:#e3e6f3;color:#2d3a73}
.chart{margin:1rem 0;max-width:60rem}.chart figcaption{font-weight:600;margin-bottom:.4rem}
.bar-row{display:grid;grid-template-columns:5rem 1fr 5rem;gap:.6rem;align-items:center;
margin:.15rem 0}
.bar{display:flex;height:1rem;background:var(--alt)}.seg{display:block;height:100%}
.seg.o-recognized,.swatch.o-recognized{background:#2e9e4f}
.seg.o-partial,.swatch.o-partial{background:#e8a317}
.seg.o-not-recognized,.swatch.o-not-recognized{background:#d93025}
.seg.o-unknown,.swatch.o-unknown{background:#6b77b8}
.seg.o-unassessed,.swatch.o-unassessed{background:#b0b4ba}
.legend{list-style:none;display:flex;flex-wrap:wrap;gap:.4rem 1rem;padding:0;margin:.4rem 0}
.swatch{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:-1px}
.controls{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;margin-bottom:.6rem}
#filter{min-width:18rem;padding:.25rem .4rem}
#results{width:100%}
#results th,#results td{border-bottom:1px solid var(--line);padding:.25rem .5rem;text-align:left;
vertical-align:top;overflow-wrap:anywhere}
#results thead th{position:sticky;top:0;background:#fff;z-index:1}
#results tbody tr.result-row:nth-child(odd){background:var(--alt)}
button.sort{all:unset;cursor:pointer;font-weight:600}
button.sort:focus-visible,button.toggle:focus-visible{outline:2px solid #1a73e8}
th[aria-sort=ascending] button.sort::after{content:" \\25B2"}
th[aria-sort=descending] button.sort::after{content:" \\25BC"}
button.toggle{width:1.6rem;cursor:pointer}
tr.detail-row>td{background:#fff;padding:.6rem 1rem 1rem 2.5rem}
.detail h3{font-size:1rem;margin:.8rem 0 .3rem}.detail h4{font-size:.95rem;margin:.6rem 0 .2rem}
.detail table td,.detail table th{border-bottom:1px solid var(--line);padding:.1rem .5rem;
text-align:left;vertical-align:top}
.detail .mono{font-family:ui-monospace,SFMono-Regular,Consolas,monospace;font-size:.85em}
.detail .error{color:#8a1410;font-weight:600}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
"""

_SCRIPT = r"""
(function () {
  "use strict";
  var table = document.getElementById("results");
  var tbody = table.tBodies[0];
  var filter = document.getElementById("filter");
  var outcomeFilter = document.getElementById("outcome-filter");
  var shown = document.getElementById("shown");
  var columns = table.tHead.rows[0].cells.length;
  var details = null;
  var timer = null;

  function resultRows() {
    return Array.prototype.slice.call(tbody.querySelectorAll("tr.result-row"));
  }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function add(parent, child) { parent.appendChild(child); return child; }
  function keyValues(parent, pairs) {
    var dl = add(parent, el("dl"));
    pairs.forEach(function (pair) {
      if (pair[1] === undefined || pair[1] === null || pair[1] === "") { return; }
      add(dl, el("dt", null, pair[0]));
      add(dl, el("dd", pair[2] || null, pair[1]));
    });
    return dl;
  }
  function grid(parent, headers, rows) {
    var t = add(parent, el("table"));
    var tr = add(add(t, el("thead")), el("tr"));
    headers.forEach(function (h) { add(tr, el("th", null, h)); });
    var body = add(t, el("tbody"));
    rows.forEach(function (cells) {
      var row = add(body, el("tr"));
      cells.forEach(function (cell) {
        var td = add(row, el("td"));
        if (cell instanceof Node) {
          td.appendChild(cell);
        } else if (cell !== undefined && cell !== null) {
          td.textContent = String(cell);
        }
      });
    });
    return t;
  }
  function link(url, text) {
    // Only web links become clickable; anything else stays text.
    if (typeof url === "string" && /^https?:\/\//i.test(url)) {
      var a = el("a", null, text || url);
      a.href = url;
      a.rel = "noopener noreferrer";
      return a;
    }
    return document.createTextNode(text || url || "");
  }
  function claimLabel(claim) {
    return [claim.scheme, claim.tier, claim.identifier, claim.holder, claim.jurisdiction]
      .filter(function (x) { return x; }).join(" \u00b7 ");
  }
  function render(d) {
    var box = el("div", "detail");
    if (d.error) { add(box, el("p", "error", "Error: " + d.error)); }
    (d.notes || []).forEach(function (n) { add(box, el("p", "error", "Not done: " + n)); });
    if (d.synthetic) { add(box, el("p", "error", "Synthetic demo data")); }
    if (!d.error && !d.claims.length && !d.checks.length && !d.assessment && !d.screening) {
      add(box, el("p", null, "This row has no claim to verify."));
    }
    if (d.claims.length) {
      add(box, el("h3", null, "Claims"));
      grid(box,
        ["scheme", "tier", "identifier", "holder", "jurisdiction", "valid from", "valid until"],
        d.claims.map(function (c) {
          return [c.scheme, c.tier, c.identifier, c.holder, c.jurisdiction, c.valid_from,
            c.valid_until];
        }));
    }
    if (d.checks.length) { add(box, el("h3", null, "Checks")); }
    d.checks.forEach(function (c) {
      add(box, el("h4", null, claimLabel(c.claim) + ": " + c.status));
      keyValues(box, [["reason", c.reason], ["source", c.adapter], ["checked at", c.checked_at],
        ["from cache", c.from_cache ? "yes" : ""],
        ["registry status", c.record ? c.record.status : ""],
        ["registry holder", c.record ? c.record.holder : ""]]);
      if (c.findings && c.findings.length) {
        grid(box, ["field", "outcome", "claimed", "found", "note"], c.findings.map(function (f) {
          return [f.field, f.outcome, f.claimed, f.found, f.note];
        }));
      }
      if (c.evidence && c.evidence.length) {
        grid(box, ["evidence", "retrieved", "HTTP", "sha256", "URL"], c.evidence.map(function (v) {
          return [v.adapter + " " + (v.method || ""), v.retrieved_at, v.status_code,
            el("span", "mono", v.sha256), link(v.url)];
        }));
      }
    });
    if (d.screening) {
      var s = d.screening;
      add(box, el("h3", null, "Screening: " + s.result));
      keyValues(box, [["subject", s.subject], ["list", s.adapter]]);
      if (s.hits && s.hits.length) {
        grid(box, ["name", "score", "why"], s.hits.map(function (h) {
          return [h.record.holder, h.score, h.explanation];
        }));
      }
    }
    if (d.assessment) {
      var a = d.assessment;
      add(box, el("h3", null, "Assessment: " + a.outcome));
      keyValues(box, [["target", a.target.activity + " in " + a.target.jurisdiction],
        ["as of", a.as_of],
        ["hypothetical", a.hypothetical ? "yes: claims assessed as if verified" : ""]]);
      if (a.gaps && a.gaps.length) {
        grid(box, ["code", "severity", "message", "citation", "remedy"], a.gaps.map(function (g) {
          var citation = g.url ? link(g.url, g.citation) : g.citation;
          return [g.code, g.severity, g.message, citation, g.remedy];
        }));
      }
      if (a.bases && a.bases.length) {
        grid(box, ["basis", "message", "citation"], a.bases.map(function (b) {
          return [b.rule, b.message, b.url ? link(b.url, b.citation) : b.citation];
        }));
      }
    }
    return box;
  }
  function toggle(row, button) {
    if (row.detailRow) {
      row.detailRow.remove();
      row.detailRow = null;
      button.setAttribute("aria-expanded", "false");
      button.textContent = "+";
      return;
    }
    if (details === null) {
      details = JSON.parse(document.getElementById("row-details").textContent);
    }
    var tr = el("tr", "detail-row");
    var td = add(tr, el("td"));
    td.colSpan = columns;
    td.appendChild(render(details[Number(row.getAttribute("data-index"))]));
    row.after(tr);
    row.detailRow = tr;
    button.setAttribute("aria-expanded", "true");
    button.textContent = "\u2212";
  }
  function applyFilter() {
    var terms = filter.value.toLowerCase().split(/\s+/).filter(function (t) { return t; });
    var outcome = outcomeFilter.value;
    var rows = resultRows();
    var count = 0;
    rows.forEach(function (row) {
      if (row.searchText === undefined) { row.searchText = row.textContent.toLowerCase(); }
      var visible = (!outcome || row.getAttribute("data-outcome") === outcome) &&
        terms.every(function (t) { return row.searchText.indexOf(t) !== -1; });
      row.hidden = !visible;
      if (row.detailRow) { row.detailRow.hidden = !visible; }
      if (visible) { count += 1; }
    });
    shown.textContent = count.toLocaleString() + " of " + rows.length.toLocaleString() + " rows";
  }
  function sortBy(th) {
    var index = th.cellIndex;
    var numeric = th.getAttribute("data-type") === "number";
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(th.parentNode.cells, function (cell) {
      if (cell.hasAttribute("aria-sort")) { cell.setAttribute("aria-sort", "none"); }
    });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var collator = new Intl.Collator(undefined, {numeric: true, sensitivity: "base"});
    var rows = resultRows();
    var keyed = rows.map(function (row) {
      var text = row.cells[index].textContent.trim();
      return {row: row, key: numeric ? Number(text) : text,
        order: Number(row.getAttribute("data-index"))};
    });
    keyed.sort(function (x, y) {
      var c = numeric ? x.key - y.key : collator.compare(x.key, y.key);
      if (!ascending) { c = -c; }
      return c || x.order - y.order;
    });
    var fragment = document.createDocumentFragment();
    keyed.forEach(function (k) {
      fragment.appendChild(k.row);
      if (k.row.detailRow) { fragment.appendChild(k.row.detailRow); }
    });
    tbody.appendChild(fragment);
  }

  table.tHead.addEventListener("click", function (event) {
    var button = event.target.closest("button.sort");
    if (button) { sortBy(button.closest("th")); }
  });
  tbody.addEventListener("click", function (event) {
    var button = event.target.closest("button.toggle");
    if (button) { toggle(button.closest("tr"), button); }
  });
  filter.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(applyFilter, 120);
  });
  outcomeFilter.addEventListener("change", applyFilter);
})();
"""
