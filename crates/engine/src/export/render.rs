//! Turning run views into the export's pages (auto-escaped minijinja templates embedded
//! in the binary) and into the plain lines the PDF prints.

use super::report::{Context, RunSummary, RunView};
use crate::EngineError;
use minijinja::Environment;
use minijinja::value::{Serde, Value};
use proofline_core::audit::ChainHead;
use proofline_store::StoreError;
use serde::Serialize;

const TEMPLATES: [(&str, &str); 3] = [
    ("layout.html", include_str!("../../templates/export/layout.html")),
    ("index.html", include_str!("../../templates/export/index.html")),
    ("run.html", include_str!("../../templates/export/run.html")),
];

fn failed(e: impl std::fmt::Display) -> EngineError {
    EngineError::Store(StoreError::Other(format!("rendering the export's report: {e:#}")))
}

pub(crate) struct Renderer {
    env: Environment<'static>,
}

/// What the header of every page says about the export.
#[derive(Serialize)]
struct Header<'a> {
    organization: &'a str,
    process: &'a str,
    process_key: &'a str,
    period: String,
    generated_at: String,
    generated_by: &'a str,
}

#[derive(Serialize)]
struct IndexPage<'a> {
    header: Header<'a>,
    runs: &'a [RunSummary],
    chain: Option<Chain<'a>>,
}

#[derive(Serialize)]
struct Chain<'a> {
    seq: i64,
    hash: &'a str,
}

#[derive(Serialize)]
struct RunPage<'a> {
    header: Header<'a>,
    run: &'a RunView,
}

impl Renderer {
    pub fn new() -> Result<Renderer, EngineError> {
        let mut env = Environment::new();
        for (name, source) in TEMPLATES {
            env.add_template(name, source).map_err(failed)?;
        }
        Ok(Renderer { env })
    }

    fn render(&self, name: &str, page: impl Serialize) -> Result<String, EngineError> {
        self.env.get_template(name).map_err(failed)?.render(Value::from(Serde(page))).map_err(failed)
    }

    pub fn index(
        &self,
        context: &Context<'_>,
        runs: &[RunSummary],
        chain: Option<&ChainHead>,
    ) -> Result<String, EngineError> {
        let chain = chain.map(|h| Chain { seq: h.seq, hash: &h.hash });
        self.render("index.html", IndexPage { header: header(context), runs, chain })
    }

    pub fn run(&self, context: &Context<'_>, run: &RunView) -> Result<String, EngineError> {
        self.render("run.html", RunPage { header: header(context), run })
    }
}

fn header<'a>(c: &'a Context<'_>) -> Header<'a> {
    Header {
        organization: &c.org.name,
        process: &c.process.definition.name,
        process_key: &c.process.key,
        period: format!("{} to {} (end excluded)", c.when(c.from), c.when(c.to)),
        generated_at: c.when(c.generated_at),
        generated_by: &c.generated_by,
    }
}

impl Context<'_> {
    /// The run report as lines of text, for the PDF; a line starting with `# ` is a heading.
    pub fn text_lines(&self, run: &RunView) -> Vec<String> {
        let mut out = vec![
            format!("Organization: {}", self.org.name),
            format!("Process: {} ({}), version {}", run.process, self.process.key, run.version),
            format!("Scheduled: {}    State: {}    Trigger: {}", run.scheduled, run.state, run.trigger),
        ];
        if let Some(by) = &run.started_by {
            out.push(format!("Started by: {by}"));
        }
        if let Some(reason) = &run.reason {
            out.push(format!("Reason: {reason}"));
        }
        out.push(format!("Exported {} by {}", self.when(self.generated_at), self.generated_by));
        for task in &run.tasks {
            out.push(String::new());
            out.push(format!("# {}: {} ({})", task.step, task.title, task.state));
            out.push(format!("Assigned to {}; held by {}.", task.assignee, task.holder));
            out.push(format!("Opens {}; due {}.", task.opens, task.due));
            if let Some(done) = &task.completed {
                out.push(format!("Completed {done}."));
            }
            for e in &task.escalations {
                let what = if e.exhausted { "chain exhausted" } else { "escalated" };
                out.push(format!(
                    "Escalation ({what}, level {}): {} missed it; moved to {} at {}.",
                    e.level, e.missed_by, e.moved_to, e.at
                ));
            }
            for s in &task.submissions {
                out.push(format!("Proof by {} at {}:", s.by, s.at));
                for item in &s.items {
                    if let Some(text) = &item.text {
                        out.push(format!("  {}: {text}", item.label));
                    }
                    for f in &item.files {
                        let place = match (&f.href, &f.missing) {
                            (Some(href), _) => href.trim_start_matches("../../").to_string(),
                            (None, Some(why)) => format!("MISSING: {why}"),
                            (None, None) => "not in the export".to_string(),
                        };
                        out.push(format!("  {}: {} (sha256 {}) {place}", item.label, f.name, f.sha256));
                    }
                }
                for flag in &s.exceptions {
                    out.push(format!("  Exception: {flag}"));
                }
                if let Some(verdict) = &s.verdict {
                    out.push(format!("  {verdict}"));
                }
            }
            if !task.timeline.is_empty() {
                out.push("Timeline:".to_string());
            }
            for line in &task.timeline {
                out.push(format!("  {}  {}", line.at, line.text));
                if let Some(quote) = &line.quote {
                    out.push(format!("      \"{quote}\""));
                }
            }
        }
        out
    }
}
