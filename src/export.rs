//! Machine-readable files: `data/matters.json`, `data/matters.csv`,
//! `sitemap.xml` and `robots.txt`.

use serde::Serialize;

use crate::model::Site;
use crate::output::Sink;

/// Section headings in the order a reader of the document expects them.
const SECTION_ORDER: &[&str] = &[
    crate::content::SECTION_DEPARTMENT_DUTIES,
    crate::content::SECTION_TOWNSHIP_DUTIES,
    crate::content::SECTION_WORK_METHOD,
];

/// Whether a re-user can rely on a matter as it stands: an editor's note
/// means part of it is still being checked against the original document.
#[derive(Clone, Copy)]
enum Status {
    Verified,
    Reviewing,
}

impl Status {
    fn of(m: &crate::model::MatterView) -> Status {
        if m.under_review {
            Status::Reviewing
        } else {
            Status::Verified
        }
    }

    fn key(self) -> &'static str {
        match self {
            Status::Verified => "verified",
            Status::Reviewing => "reviewing",
        }
    }

    /// The CSV's 状态 column, for readers in Excel.
    fn name(self) -> &'static str {
        match self {
            Status::Verified => "已核对",
            Status::Reviewing => "核对中",
        }
    }
}

#[derive(Serialize)]
struct Record<'a> {
    id: &'a str,
    list: &'a str,
    seq: u32,
    category: &'a str,
    title: &'a str,
    departments: Vec<&'a str>,
    url: &'a str,
    /// `verified`, or `reviewing` while an editor checks it against the original.
    status: &'static str,
    sections: Sections<'a>,
    /// 上级部门职责 per department, in the order of the page, where the
    /// section is divided by department.
    #[serde(skip_serializing_if = "DepartmentDuties::is_empty")]
    department_duties: DepartmentDuties<'a>,
    /// 上级部门职责 above the first department heading, whose department
    /// the source (as extracted) does not say.
    #[serde(skip_serializing_if = "Option::is_none")]
    department_duties_unattributed: Option<&'a str>,
}

/// Heading → [`readable_text`], as a JSON object; made only when the JSON
/// is written (the CSV, which reads the records too, makes its own columns).
struct Sections<'a>(&'a [crate::model::SectionView]);

impl Serialize for Sections<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0
            .iter()
            .map(|section| {
                (
                    section.heading.clone(),
                    serde_json::Value::String(readable_text(section)),
                )
            })
            .collect::<serde_json::Map<_, _>>()
            .serialize(s)
    }
}

/// Department → its duties, serialised as a JSON object in page order.
struct DepartmentDuties<'a>(Vec<(&'a str, &'a str)>);

impl DepartmentDuties<'_> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for DepartmentDuties<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().copied())
    }
}

/// What the CSV (and the JSON's `sections`) give for the 上级部门职责 of
/// a section divided by department: each department's part after its name
/// in 【】, the part whose department is unknown marked 【所属部门待核实】.
fn readable_text(s: &crate::model::SectionView) -> String {
    if s.subsections.is_empty() {
        return s.text.clone();
    }
    let mut parts = Vec::new();
    let lead = s.lead_text.trim();
    if !lead.is_empty() {
        parts.push(format!("【所属部门待核实】{lead}"));
    }
    for sub in &s.subsections {
        parts.push(format!("【{}】{}", sub.heading, sub.text.trim()));
    }
    parts.join("\n")
}

/// The record of one matter in `data/matters.json` (and the CSV's first
/// columns).
fn record(m: &crate::model::MatterView) -> Record<'_> {
    Record {
        id: &m.id,
        list: m.list,
        seq: m.seq,
        category: m.category.as_ref().map_or("", |c| c.name.as_str()),
        title: &m.title,
        departments: m.departments.iter().map(|d| d.name.as_str()).collect(),
        url: &m.url,
        status: Status::of(m).key(),
        sections: Sections(&m.sections),
        department_duties: DepartmentDuties(
            m.section(crate::content::SECTION_DEPARTMENT_DUTIES)
                .map(|s| {
                    s.subsections
                        .iter()
                        .map(|sub| (sub.heading.as_str(), sub.text.trim()))
                        .collect()
                })
                .unwrap_or_default(),
        ),
        department_duties_unattributed: m
            .section(crate::content::SECTION_DEPARTMENT_DUTIES)
            .filter(|s| !s.subsections.is_empty())
            .map(|s| s.lead_text.trim())
            .filter(|t| !t.is_empty()),
    }
}

/// Every matter's record, each made as it is written: on a big list the
/// records would be another copy of all its text.
struct Records<'a>(&'a Site);

impl Serialize for Records<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.matters.iter().map(record))
    }
}

/// Writes `data/matters.json` and `data/matters.csv` (each with its `.gz`),
/// one after the other, so that only one is in memory at a time.
pub fn write_data(site: &Site, out: &dyn Sink) -> Result<(), String> {
    let mut json = serde_json::to_vec_pretty(&Records(site)).map_err(|e| e.to_string())?;
    json.push(b'\n');
    crate::output::put_compressed(out, "data/matters.json", &json).map_err(|e| e.to_string())?;
    drop(json);
    write_csv(site, out)
}

fn write_csv(site: &Site, out: &dyn Sink) -> Result<(), String> {
    // One column per section heading used anywhere, standard ones first.
    let used: std::collections::BTreeSet<&str> = site
        .matters
        .iter()
        .flat_map(|m| m.sections.iter().map(|s| s.heading.as_str()))
        .collect();
    let mut headings: Vec<&str> = SECTION_ORDER
        .iter()
        .copied()
        .filter(|h| used.contains(h))
        .collect();
    headings.extend(used.iter().copied().filter(|h| !SECTION_ORDER.contains(h)));
    // A BOM so that Excel on Chinese Windows reads the file as UTF-8.
    let mut csv_bytes = "\u{feff}".as_bytes().to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut csv_bytes);
        let mut header = vec![
            "id",
            "list",
            "seq",
            "category",
            "title",
            "departments",
            "url",
            "status",
            "状态",
        ];
        header.extend(headings.iter().copied());
        // Section headings are the clerk's text: as guarded as any cell.
        w.write_record(header.into_iter().map(|c| spreadsheet_safe(c).into_owned()))
            .map_err(|e| e.to_string())?;
        for m in &site.matters {
            let r = record(m);
            let seq = m.seq.to_string();
            let depts = r.departments.join("、");
            let mut row = vec![
                r.id,
                r.list,
                seq.as_str(),
                r.category,
                r.title,
                depts.as_str(),
                r.url,
                r.status,
                Status::of(m).name(),
            ];
            let texts: Vec<String> = headings
                .iter()
                .map(|h| m.section(h).map_or(String::new(), readable_text))
                .collect();
            row.extend(texts.iter().map(String::as_str));
            w.write_record(row.into_iter().map(|c| spreadsheet_safe(c).into_owned()))
                .map_err(|e| e.to_string())?;
        }
        w.flush().map_err(|e| e.to_string())?;
    }
    crate::output::put_compressed(out, "data/matters.csv", &csv_bytes)
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// A CSV cell that a spreadsheet shows as text. Excel and WPS run a cell
/// starting with `=`, `+`, `-`, `@`, tab or carriage return as a formula;
/// as OWASP advises, such a cell gets a leading single quote.
fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    // Spreadsheets skip leading spaces before they look for a formula.
    let lead = cell.trim_start_matches(' ');
    if cell.starts_with(['\t', '\r']) || lead.starts_with(['=', '+', '-', '@']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// Writes `sitemap.xml` for every HTML page of the site, and `robots.txt`.
pub fn write_sitemap(site: &Site, out: &dyn Sink) -> Result<(), String> {
    let origin = site.config.url.as_deref().unwrap_or("");
    let base = &site.config.base_path;
    let mut paths = crate::render::page_paths(site);
    paths.sort();
    let urls: Vec<String> = paths
        .iter()
        .map(|(p, lastmod)| {
            let path = p.trim_end_matches("index.html");
            format!(
                "  <url><loc>{}</loc><lastmod>{lastmod}</lastmod></url>\n",
                escape_xml(&format!("{origin}{base}{path}"))
            )
        })
        .collect();
    let put = |rel: &str, text: String| out.put(rel, text.as_bytes()).map_err(|e| e.to_string());
    let urlset = |urls: &[String]| {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n{}</urlset>\n",
            urls.concat()
        )
    };
    if urls.len() <= SITEMAP_MAX_URLS {
        put("sitemap.xml", urlset(&urls))?;
    } else {
        // The protocol allows 50,000 URLs a file: beyond, sitemap.xml is an
        // index of numbered sitemaps.
        let site_date = site.date();
        let mut index = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        for (n, chunk) in urls.chunks(SITEMAP_MAX_URLS).enumerate() {
            let name = format!("sitemap-{}.xml", n + 1);
            put(&name, urlset(chunk))?;
            index.push_str(&format!(
                "  <sitemap><loc>{}</loc><lastmod>{site_date}</lastmod></sitemap>\n",
                escape_xml(&format!("{origin}{base}{name}"))
            ));
        }
        index.push_str("</sitemapindex>\n");
        put("sitemap.xml", index)?;
    }
    put(
        "robots.txt",
        format!("User-agent: *\nAllow: /\n\nSitemap: {origin}{base}sitemap.xml\n"),
    )
}

/// URLs one sitemap file may list (sitemaps.org).
const SITEMAP_MAX_URLS: usize = 50_000;

fn escape_xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text() {
        for cell in ["=1+1", "+86", "-x", "@SUM(A1)", "\tx", "\rx", " =1+1"] {
            assert_eq!(spreadsheet_safe(cell), format!("'{cell}"));
        }
        for cell in ["低保", "1. 审核", "", "a=b"] {
            assert_eq!(spreadsheet_safe(cell), cell);
        }
    }
}
