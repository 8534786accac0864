//! `matrix.html` as a reader meets it: `irqsuite matrix` over a small set of results, the page
//! rendered by real headless Chromium, and what it shows read back from the rendered DOM: every
//! case row and backend/target column, each cell's outcome (text and colour), each reason
//! reachable on hover (`title`) and by opening the cell (`<details>`), the header still on
//! screen after scrolling to the bottom, and no script at all. The page is read through a
//! copy with a probe script appended (the page itself has none). Ignored where Chromium is
//! missing; failed instead, with the command that installs it, when `IRQSUITE_REQUIRE=1` (CI).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use irqsuite::setup::{CHROMIUM, CHROMIUM_FIX};
use libtest_mimic::{Arguments, Failed, Trial};
use serde_json::Value;

const NAME: &str = "matrix/html-rendered-in-headless-chromium";

/// The columns of the fixture, sorted as the matrix sorts them.
const COLUMNS: [&str; 3] = [
    "qemu-tcg/gicv2",
    "qemu-tcg/gicv3",
    "xen-dom0less@4.20/gicv2",
];

/// What the hypervisor of a column with a build printed (its header shows the first words).
const PRINTED: &str = "Xen version 4.20.3 (Debian 4.20.3-1) debug=n";

const OUTCOMES: [&str; 6] = ["pass", "diverge", "waived", "skip", "fail", "error"];

/// Enough cases that the table is taller than the window.
const ROWS: usize = 40;

/// The window: narrow and short, so the page scrolls.
const WINDOW: &str = "--window-size=1000,400";

/// Chromium gets this long to render a page (it takes about a second).
const RENDER_LIMIT: Duration = Duration::from_secs(120);

fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("irqsuite-matrix-html-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The case ids of the fixture: the first catalogue cases.
fn ids() -> Vec<&'static str> {
    irq_cases::CATALOGUE
        .iter()
        .take(ROWS)
        .map(|c| c.id)
        .collect()
}

/// What the fixture says for case `row` in column `col`: every outcome appears in every
/// column, and each reason holds characters HTML must escape.
fn expected(row: usize, col: usize) -> (&'static str, String) {
    let outcome = OUTCOMES[(row + col) % OUTCOMES.len()];
    let reason = match outcome {
        "pass" => String::new(),
        _ => format!("gicd-typer = {row:#x} <model \"{col}\"> & {outcome}"),
    };
    (outcome, reason)
}

/// The last case is missing from the last column's results (an empty cell).
fn reported(row: usize, col: usize) -> bool {
    !(row == ROWS - 1 && col == COLUMNS.len() - 1)
}

fn write_results(dir: &Path) {
    for (col, column) in COLUMNS.iter().enumerate() {
        let (spelled, target) = column.split_once('/').unwrap();
        let (backend, build) = irqsuite::builds::split(spelled);
        let cases: Vec<Value> = ids()
            .iter()
            .enumerate()
            .filter(|(row, _)| reported(*row, col))
            .map(|(row, id)| {
                let (outcome, reason) = expected(row, col);
                serde_json::json!({"id": id, "outcome": outcome, "reason": reason})
            })
            .collect();
        let provenance = match build {
            Some(build) => serde_json::json!({"irqsuite": "0.1.0 test", "hypervisor": PRINTED,
                "build": {"name": build, "origin": "debian-package", "from": "xen <&>", "sha256": "ab"}}),
            None => serde_json::json!({"irqsuite": "0.1.0 test"}),
        };
        let doc = serde_json::json!({
            "schema": irqsuite::report::json::SCHEMA,
            "runs": [{"backend": backend, "build": build, "target": target, "boots": 1,
                "provenance": provenance, "cases": cases}],
        });
        let folder = dir.join(spelled).join(target);
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("results.json"), doc.to_string()).unwrap();
    }
}

/// Reads the rendered page into JSON, appended to the DOM as `<pre id="probe">`.
const PROBE: &str = r#"<script>
(function () {
  const report = { errors: [] };
  try {
    const heads = [...document.querySelector('table').querySelectorAll('thead th')];
    report.columns = heads.slice(1).map(th => ({ title: th.title, text: th.innerText }));
    report.rows = [...document.querySelector('table').querySelectorAll('tbody tr')].map(tr => ({
      id: tr.querySelector('th').innerText,
      cells: [...tr.querySelectorAll('td')].map(td => {
        const cell = { cls: td.className, title: td.title, bg: getComputedStyle(td).backgroundColor };
        const details = td.querySelector('details');
        if (details) {
          cell.summary = details.querySelector('summary').innerText;
          cell.closed = details.innerText;
          details.open = true;
          cell.opened = details.innerText;
          details.open = false;
        } else {
          cell.text = td.innerText;
        }
        return cell;
      }),
    }));
    report.scripts = document.querySelectorAll('script').length - 1;
    const header = heads[1];
    report.header_position = getComputedStyle(header).position;
    window.scrollTo(0, document.documentElement.scrollHeight);
    report.scrolled = window.scrollY;
    report.header_top = header.getBoundingClientRect().top;
    report.first_row_top = document.querySelector('tbody tr').getBoundingClientRect().top;
  } catch (e) {
    report.errors.push(String(e));
  }
  const pre = document.createElement('pre');
  pre.id = 'probe';
  pre.textContent = JSON.stringify(report);
  document.body.appendChild(pre);
})();
</script>
"#;

/// Chromium's DOM of `page` after loading it, headless.
fn dump_dom(chromium: &Path, page: &Path, profile: &Path) -> Result<String, Failed> {
    let mut child = Command::new(chromium)
        .args(["--headless", "--disable-gpu", "--no-sandbox", WINDOW])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{}: {e}", chromium.display()))?;
    let until = Instant::now() + RENDER_LIMIT;
    while child.try_wait()?.is_none() {
        if Instant::now() > until {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "chromium did not finish {} in {RENDER_LIMIT:?}",
                page.display()
            )
            .into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output()?;
    if !status.success() {
        return Err(format!(
            "chromium failed ({status}): {}",
            String::from_utf8_lossy(&stderr)
        )
        .into());
    }
    Ok(String::from_utf8_lossy(&stdout).into_owned())
}

/// The probe's report in a dumped DOM (text, so `&`, `<`, `>` come escaped).
fn probe_report(dom: &str) -> Result<Value, Failed> {
    let start = dom
        .find("<pre id=\"probe\">")
        .ok_or("no probe report in the DOM")?;
    let body = &dom[start + "<pre id=\"probe\">".len()..];
    let body = &body[..body.find("</pre>").ok_or("unterminated probe report")?];
    let text = body
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&");
    Ok(serde_json::from_str(&text)?)
}

fn check(cond: bool, what: impl FnOnce() -> String) -> Result<(), Failed> {
    if cond { Ok(()) } else { Err(what().into()) }
}

fn rendered_matrix_shows_every_cell_and_reason(chromium: &Path) -> Result<(), Failed> {
    let dir = scratch();
    write_results(&dir);
    let out = Command::new(env!("CARGO_BIN_EXE_irqsuite"))
        .args(["matrix", "--out"])
        .arg(&dir)
        .output()?;
    check(out.status.success(), || format!("irqsuite matrix: {out:?}"))?;
    let page = dir.join("matrix.html");
    let html = std::fs::read_to_string(&page)?;

    // The page as published: rendered, and not a single script.
    let plain = dump_dom(chromium, &page, &dir.join("profile"))?;
    check(plain.contains("<tbody>"), || {
        "Chromium rendered no table".into()
    })?;
    check(!plain.contains("<script"), || {
        "the page carries a script".into()
    })?;

    let probed = dir.join("probe.html");
    std::fs::write(&probed, html.replace("</body>", &format!("{PROBE}</body>")))?;
    let report = probe_report(&dump_dom(chromium, &probed, &dir.join("profile"))?)?;
    check(report["errors"] == serde_json::json!([]), || {
        format!("probe: {}", report["errors"])
    })?;
    check(report["scripts"] == 0, || {
        "the page carries a script".into()
    })?;

    let columns: Vec<&str> = report["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap())
        .collect();
    check(columns == COLUMNS, || format!("columns {columns:?}"))?;
    for c in report["columns"].as_array().unwrap() {
        let (backend, target) = c["title"].as_str().unwrap().split_once('/').unwrap();
        let text = match backend.contains('@') {
            true => format!("{backend}\n{target}\nXen version 4.20.3"),
            false => format!("{backend}\n{target}"),
        };
        check(c["text"] == text, || format!("header {c}"))?;
    }

    let rows = report["rows"].as_array().unwrap();
    let shown: Vec<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
    check(shown == ids(), || format!("rows {shown:?}"))?;
    let mut colours = std::collections::BTreeMap::new();
    for (r, row) in rows.iter().enumerate() {
        let cells = row["cells"].as_array().unwrap();
        check(cells.len() == COLUMNS.len(), || {
            format!("row {r}: {} cells", cells.len())
        })?;
        for (c, cell) in cells.iter().enumerate() {
            let at = || format!("row {r} ({}) column {}: {cell}", row["id"], COLUMNS[c]);
            if !reported(r, c) {
                check(cell["cls"] == "none" && cell["text"] == "\u{2013}", at)?;
                continue;
            }
            let (outcome, reason) = expected(r, c);
            check(cell["cls"] == outcome, at)?;
            let bg = cell["bg"].as_str().unwrap().to_owned();
            check(
                colours.entry(outcome).or_insert_with(|| bg.clone()) == &bg,
                || format!("{outcome} in two colours: {}", at()),
            )?;
            if reason.is_empty() {
                check(cell["text"] == outcome && cell["title"] == "", at)?;
                continue;
            }
            // On hover: the title, exactly the reason (escaped in the HTML, whole here).
            check(cell["title"] == reason, at)?;
            // Closed, the cell shows the outcome only; opened, the reason too.
            check(cell["summary"] == outcome && cell["closed"] == outcome, at)?;
            check(cell["opened"].as_str().unwrap().contains(&reason), at)?;
        }
    }
    let distinct: std::collections::BTreeSet<&String> = colours.values().collect();
    check(
        colours.len() == OUTCOMES.len() && distinct.len() == OUTCOMES.len(),
        || format!("outcome colours {colours:?}"),
    )?;
    check(!distinct.contains(&"rgba(0, 0, 0, 0)".to_owned()), || {
        format!("an outcome without colour: {colours:?}")
    })?;

    // Scrolled to the bottom, the header is still at the top of the window.
    check(report["header_position"] == "sticky", || {
        format!("header {}", report["header_position"])
    })?;
    check(report["scrolled"].as_f64().unwrap() > 0.0, || {
        "the page does not scroll: make it taller".into()
    })?;
    check(report["first_row_top"].as_f64().unwrap() < 0.0, || {
        format!("first row at {}", report["first_row_top"])
    })?;
    check(report["header_top"].as_f64().unwrap().abs() < 1.0, || {
        format!("header at {} after scrolling", report["header_top"])
    })?;

    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let require = std::env::var("IRQSUITE_REQUIRE").is_ok_and(|v| v == "1");
    let trial = match irqsuite::tools::find(CHROMIUM) {
        Some(chromium) => Trial::test(NAME, move || {
            rendered_matrix_shows_every_cell_and_reason(&chromium)
        }),
        None if require => Trial::test(NAME, || {
            Err(format!("{CHROMIUM} is not installed; fix: {CHROMIUM_FIX}").into())
        }),
        None => {
            eprintln!("{NAME}: skipped: {CHROMIUM} is not installed (fix: {CHROMIUM_FIX})");
            Trial::test(NAME, || Ok(())).with_ignored_flag(true)
        }
    };
    libtest_mimic::run(&args, vec![trial]).exit();
}
