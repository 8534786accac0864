//! `matrix.html`: one static, self-contained page (no script, no external resource). The
//! header row stays on screen while the cases scroll and the case column while the targets do;
//! each cell is coloured by its outcome and carries its reason twice, as the cell's `title`
//! (hover) and in a `<details>` (click to expand); the totals close the table.

use std::fmt::Write as _;

use super::{Matrix, printed_short, provenance_rows, totals};

/// Every outcome, in the legend's order.
const OUTCOMES: [&str; 6] = ["pass", "diverge", "waived", "skip", "fail", "error"];

/// `border-collapse: separate`: with `collapse`, the borders of a sticky header scroll away.
const STYLE: &str = "\
body{font-family:sans-serif;font-size:13px;margin:0 8px 8px}\n\
table{border-collapse:separate;border-spacing:0;border-top:1px solid #bbb;border-left:1px solid #bbb}\n\
td,th{border-right:1px solid #ccc;border-bottom:1px solid #ccc;padding:2px 6px;vertical-align:top;text-align:left}\n\
thead th{position:sticky;top:0;z-index:2;background:#e8e8e8;white-space:nowrap}\n\
tbody th{position:sticky;left:0;z-index:1;background:#fafafa;white-space:nowrap;font-weight:normal}\n\
thead th:first-child{left:0;z-index:3}\n\
tfoot th,tfoot td{background:#e8e8e8}\n\
.pass{background:#c8f0c8}.diverge{background:#fff3b0}.waived{background:#dcdcff}\n\
.skip{background:#f0f0f0;color:#555}.fail{background:#f8b8b8;font-weight:bold}\n\
.error{background:#f0a0f0;font-weight:bold}.none{color:#999}\n\
details{max-width:28em}summary{cursor:pointer}\n\
.legend span{display:inline-block;padding:1px 6px;margin-right:4px;border:1px solid #ccc}\n";

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn head(out: &mut String, m: &Matrix) {
    out.push_str("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    out.push_str("<title>irqsuite matrix</title>\n<style>\n");
    out.push_str(STYLE);
    out.push_str("</style></head><body>\n<h1>irqsuite matrix</h1>\n");
    let _ = writeln!(
        out,
        "<p>{} cases &times; {} backend/targets. Hover a cell for its reason, or open it.</p>",
        m.rows.len(),
        m.columns.len()
    );
    out.push_str("<p class=\"legend\">");
    for o in OUTCOMES {
        let _ = write!(out, "<span class=\"{o}\">{o}</span>");
    }
    out.push_str("</p>\n");
}

/// One column header: the backend (and build) over the target (`kvm-arm64@6.12` /
/// `gicv3-its`), then what the hypervisor printed (`Xen version 4.20.3`) where it did; the
/// whole name in its `title`.
fn column_header(out: &mut String, column: &str, printed: Option<String>) {
    let mut shown = match column.split_once('/') {
        Some((backend, target)) => format!("{}<br>{}", escape(backend), escape(target)),
        None => escape(column),
    };
    if let Some(printed) = printed {
        let _ = write!(shown, "<br><small>{}</small>", escape(&printed));
    }
    let _ = write!(
        out,
        "<th scope=\"col\" title=\"{}\">{shown}</th>",
        escape(column)
    );
}

fn cell(out: &mut String, m: &Matrix, row: usize, col: usize) {
    match m.cells.get(&(row, col)) {
        None => {
            out.push_str("<td class=\"none\" title=\"not in this target's results\">&ndash;</td>")
        }
        Some(cell) if cell.reason.is_empty() => {
            let _ = write!(out, "<td class=\"{0}\">{0}</td>", escape(&cell.outcome));
        }
        Some(cell) => {
            let (o, why) = (escape(&cell.outcome), escape(&cell.reason));
            let _ = write!(
                out,
                "<td class=\"{o}\" title=\"{why}\"><details><summary>{o}</summary>{why}</details></td>"
            );
        }
    }
}

/// The matrix as a self-contained HTML page.
pub fn html(m: &Matrix) -> String {
    let mut out = String::new();
    head(&mut out, m);
    out.push_str("<table>\n<thead><tr><th scope=\"col\">case</th>");
    for (c, p) in m.columns.iter().zip(&m.provenance) {
        column_header(&mut out, c, printed_short(p));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for (r, id) in m.rows.iter().enumerate() {
        let _ = write!(
            out,
            "<tr><th scope=\"row\"><code>{}</code></th>",
            escape(id)
        );
        for c in 0..m.columns.len() {
            cell(&mut out, m, r, c);
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n<tfoot><tr><th scope=\"row\">totals</th>");
    // One outcome count a line, so that the totals do not widen the columns.
    for t in totals(m) {
        let _ = write!(out, "<td>{}</td>", escape(&t).replace(", ", "<br>"));
    }
    out.push_str("</tr></tfoot>\n</table>\n");
    out.push_str("<h2>Columns</h2>\n<table class=\"provenance\">\n<thead><tr>");
    for h in ["column", "cases", "build", "printed", "QEMU", "irqsuite"] {
        let _ = write!(out, "<th scope=\"col\">{h}</th>");
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in provenance_rows(m) {
        let _ = write!(out, "<tr><th scope=\"row\">{}</th>", escape(&row[0]));
        for cell in &row[1..] {
            let _ = write!(out, "<td>{}</td>", escape(cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</body></html>\n");
    out
}
