//! `proofline scan`: read SOP files into draft processes and say what each lacks, or
//! measure the scan against a folder of hand-labelled SOPs.

use crate::config::Config;
use crate::serve::engine_for;
use crate::{ServeArgs, backend, user_error};
use proofline_core::scan::cadence::GuessedCadence;
use proofline_core::scan::evaluate::{Label, evaluate};
use proofline_core::scan::{Format, Scan, scan_bytes};
use proofline_engine::{Actor, EngineError};
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct ScanArgs {
    /// SOP files: Markdown, plain text, HTML, Word .docx or PDF ("-" reads standard input).
    #[arg(required_unless_present = "evaluate")]
    pub files: Vec<PathBuf>,
    /// Print each scan as JSON (one array).
    #[arg(long)]
    pub json: bool,
    /// Read the files as this format instead of going by their names.
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Measure the scan against DIR/labels.json and the SOPs it names: step precision and
    /// recall, cadence and owner accuracy.
    #[arg(long, value_name = "DIR", conflicts_with = "files")]
    pub evaluate: Option<PathBuf>,
    /// Save each scan as a draft process (nothing runs until someone activates it).
    #[arg(long, requires = "by")]
    pub apply: bool,
    /// With --apply: the email of the manager or owner the drafts are saved as.
    #[arg(long = "as", value_name = "EMAIL")]
    pub by: Option<String>,
    /// With --apply: the organization's id, when there is more than one.
    #[arg(long)]
    pub org: Option<i64>,
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum FormatArg {
    Markdown,
    Text,
    Html,
    Docx,
    Pdf,
}

impl From<FormatArg> for Format {
    fn from(format: FormatArg) -> Format {
        match format {
            FormatArg::Markdown => Format::Markdown,
            FormatArg::Text => Format::Text,
            FormatArg::Html => Format::Html,
            FormatArg::Docx => Format::Docx,
            FormatArg::Pdf => Format::Pdf,
        }
    }
}

pub async fn run(args: ScanArgs) -> anyhow::Result<()> {
    if let Some(dir) = &args.evaluate {
        return run_evaluation(dir, args.json);
    }
    let mut scans = Vec::new();
    for file in &args.files {
        let name = file.to_string_lossy();
        let format = args.format.map_or_else(|| Format::from_name(&name), Format::from);
        let scanned = scan_bytes(&read(file, format)?, format).map_err(|e| user_error(format!("{name}: {e}")))?;
        scans.push((name.into_owned(), scanned));
    }
    let out = if args.json {
        let all: Vec<_> = scans.iter().map(|(file, s)| serde_json::json!({"file": file, "scan": s})).collect();
        format!("{}\n", serde_json::to_string_pretty(&all)?)
    } else {
        scans.iter().map(|(file, scanned)| report(file, scanned)).collect()
    };
    // A reader that stops early (`| head`) is not an error.
    match std::io::stdout().lock().write_all(out.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => return Err(e.into()),
        _ => {}
    }
    if args.apply {
        apply(&args, &scans).await?;
    }
    Ok(())
}

/// Saves each scan as a draft process, as the manager `--as` names, and says where.
async fn apply(args: &ScanArgs, scans: &[(String, Scan)]) -> anyhow::Result<()> {
    let email = args.by.as_deref().unwrap_or_default();
    let engine = engine_for(&Config::load(&args.serve, "proofline-data")?).await?;
    let org = backend::pick_org(engine.store.as_ref(), args.org).await?;
    let who = engine
        .store
        .find_person_by_email(org.id, email)
        .await?
        .ok_or_else(|| user_error(format!("no person with email {email:?} in {}", org.name)))?;
    if !who.active {
        return Err(user_error(format!("{} is deactivated", who.email)));
    }
    let actor = Actor { org: org.id, person: who.id, access: who.access };
    // All or nothing where it can be known beforehand: an SOP with no steps is no process.
    if let Some((file, _)) = scans.iter().find(|(_, s)| s.draft.steps.is_empty()) {
        return Err(user_error(format!(
            "{file}: no steps found, so nothing was saved; number the steps and try again"
        )));
    }
    for (file, scanned) in scans {
        let saved = engine.save_scan_as_draft(actor, scanned).await.map_err(|e| match e {
            EngineError::Forbidden(m) => user_error(format!("{}: {m}", who.email)),
            EngineError::Invalid(_) | EngineError::Conflict(_) => user_error(format!("{file}: {e}")),
            other => anyhow::Error::new(other),
        })?;
        eprintln!(
            "{file}: saved as draft process {} in {}; open /processes/{}/edit to correct and activate it",
            saved.id.0, org.name, saved.id.0
        );
    }
    Ok(())
}

/// A file's bytes, refused before reading them all when too large for its format.
fn read(file: &Path, format: Format) -> anyhow::Result<Vec<u8>> {
    let name = file.display();
    let mut bytes = Vec::new();
    let most = format.max_bytes();
    let limit = u64::try_from(most).unwrap_or(u64::MAX) + 1;
    let read = if file.as_os_str() == "-" {
        std::io::stdin().take(limit).read_to_end(&mut bytes)
    } else {
        let opened = std::fs::File::open(file).map_err(|e| user_error(format!("{name}: {e}")))?;
        opened.take(limit).read_to_end(&mut bytes)
    };
    read.map_err(|e| user_error(format!("{name}: {e}")))?;
    if bytes.len() > most {
        return Err(user_error(format!("{name}: larger than {most} bytes; an SOP to scan is a few pages")));
    }
    Ok(bytes)
}

fn report(file: &str, s: &Scan) -> String {
    let d = &s.draft;
    let mut out = String::new();
    let _ = writeln!(out, "{file}: {} — score {} out of 100", d.title, s.score);
    match &d.owner {
        Some(owner) => _ = writeln!(out, "  Owner: {} (line {})", owner.text, owner.line),
        None => _ = writeln!(out, "  Owner: none found"),
    }
    if d.cadences.is_empty() {
        let _ = writeln!(out, "  Cadence: none found");
    }
    for found in &d.cadences {
        let what = match &found.cadence {
            GuessedCadence::Schedule { rule } => format!("RRULE:{rule}"),
            GuessedCadence::Event { trigger } => format!("when: {trigger}"),
        };
        let _ = writeln!(out, "  Cadence: {what}  from \"{}\" (line {})", found.phrase, found.line);
    }
    let _ = writeln!(out, "  Steps:");
    for (i, step) in d.steps.iter().enumerate() {
        let proof: Vec<String> = step.proofs.iter().map(|p| p.kind.as_str().to_string()).collect();
        let proof = if proof.is_empty() { "no proof".to_string() } else { format!("proof: {}", proof.join(", ")) };
        let _ = writeln!(out, "    {}. {}  [{proof}] (line {})", i + 1, step.title, step.line);
        for item in &step.items {
            let _ = writeln!(out, "       - {item}");
        }
    }
    if !s.findings.is_empty() {
        let _ = writeln!(out, "  Findings:");
    }
    for f in &s.findings {
        let at = f.line.map(|l| format!("line {l}: ")).unwrap_or_default();
        let quote = f.quote.as_ref().map(|q| format!(" \"{q}\"")).unwrap_or_default();
        let _ = writeln!(out, "    - {at}{}{quote}", f.message);
    }
    let _ = writeln!(out, "  Score:");
    for p in &s.score_parts {
        let _ = writeln!(out, "    {:<10} {:>2}/{:<2} {}", p.part, p.earned, p.possible, p.why);
    }
    out
}

fn run_evaluation(dir: &Path, json: bool) -> anyhow::Result<()> {
    let labels_path = dir.join("labels.json");
    let labels_text =
        std::fs::read_to_string(&labels_path).map_err(|e| user_error(format!("{}: {e}", labels_path.display())))?;
    let labels: Vec<Label> = serde_json::from_str(&labels_text)
        .map_err(|e| user_error(format!("{}: not a list of labels: {e}", labels_path.display())))?;
    let mut scans = Vec::with_capacity(labels.len());
    for label in &labels {
        if label.file.contains(['/', '\\']) || label.file.starts_with('.') {
            return Err(user_error(format!("{}: file {:?} is not a plain name", labels_path.display(), label.file)));
        }
        let format = Format::from_name(&label.file);
        let bytes = read(&dir.join(&label.file), format)?;
        let scanned = scan_bytes(&bytes, format).map_err(|e| user_error(format!("{}: {e}", label.file)))?;
        scans.push(scanned);
    }
    let cases: Vec<_> = scans.iter().zip(&labels).collect();
    let e = evaluate(&cases);
    if json {
        println!("{}", serde_json::to_string_pretty(&e)?);
        return Ok(());
    }
    for d in &e.per_document {
        println!(
            "{:<48} steps {:>2} of {:>2} labelled found ({:>2} found in all)  cadence {}  owner {}",
            d.file,
            d.steps_matched,
            d.steps_labelled,
            d.steps_found,
            if d.cadence_ok { "ok" } else { "MISSED" },
            if d.owner_ok { "ok" } else { "MISSED" }
        );
    }
    println!(
        "{} documents: steps precision {:.2}, recall {:.2}, F1 {:.2}; cadence accuracy {:.2}; owner accuracy {:.2}; weakness agreement {:.2}",
        e.documents,
        e.step_precision,
        e.step_recall,
        e.step_f1,
        e.cadence_accuracy,
        e.owner_accuracy,
        e.weakness_agreement
    );
    Ok(())
}
