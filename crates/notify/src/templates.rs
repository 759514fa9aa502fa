//! The message templates: one minijinja file per notice kind, embedded in the binary and
//! optionally overridden from a folder, rendered into the subject and bodies of a message.

use crate::SetupError;
use crate::payload;
use minijinja::value::{Serde, Value};
use minijinja::{AutoEscape, Environment, Output, State, UndefinedBehavior, escape_formatter, syntax::SyntaxConfig};
use proofline_core::notice::{Channel, NoticeKind};
use proofline_engine::{Message, Rendered};
use std::path::Path;

/// The shared macros every kind's template imports.
pub const LAYOUT: &str = "layout.jinja";

/// The templates shipped with Proofline, by file name.
const EMBEDDED: [(&str, &str); 11] = [
    (LAYOUT, include_str!("../templates/layout.jinja")),
    ("task_opened.jinja", include_str!("../templates/task_opened.jinja")),
    ("task_due_soon.jinja", include_str!("../templates/task_due_soon.jinja")),
    ("task_moved.jinja", include_str!("../templates/task_moved.jinja")),
    ("task_returned.jinja", include_str!("../templates/task_returned.jinja")),
    ("task_approval.jinja", include_str!("../templates/task_approval.jinja")),
    ("task_unresolved.jinja", include_str!("../templates/task_unresolved.jinja")),
    ("task_completed.jinja", include_str!("../templates/task_completed.jinja")),
    ("delivery_failed.jinja", include_str!("../templates/delivery_failed.jinja")),
    ("digest_daily.jinja", include_str!("../templates/digest_daily.jinja")),
    ("digest_weekly.jinja", include_str!("../templates/digest_weekly.jinja")),
];

/// The file that words `kind`, e.g. `task_moved.jinja`.
pub fn file_name(kind: NoticeKind) -> String {
    format!("{}.jinja", kind.template())
}

/// Every message's wording. Each kind's file defines the blocks `subject`, `text` (plain
/// email body), `html` (HTML email body) and `chat` (a line or two for Slack and Teams).
///
/// The same sources are compiled twice: the `html` block is rendered with HTML
/// auto-escaping, everything else without, so a title like `<b>Fish & chips</b>` is safe
/// in the HTML body and verbatim in the text body, the subject and chat.
#[derive(Debug)]
pub struct Templates {
    text: Environment<'static>,
    html: Environment<'static>,
    /// Which files came from the operator's folder, for the startup log.
    overridden: Vec<String>,
}

impl Templates {
    /// The templates shipped with Proofline.
    pub fn embedded() -> Result<Templates, SetupError> {
        Templates::build(EMBEDDED.iter().map(|(name, source)| (*name, (*source).to_string())).collect(), Vec::new())
    }

    /// The shipped templates, each replaced by a file of the same name in `dir` when there
    /// is one (`task_moved.jinja`, `layout.jinja` …), so an operator can reword messages.
    /// A file that does not compile is an error here, not at the first send.
    pub fn from_dir(dir: &Path) -> Result<Templates, SetupError> {
        if !dir.is_dir() {
            return Err(SetupError::Templates(format!("{} is not a folder", dir.display())));
        }
        let mut sources = Vec::new();
        let mut overridden = Vec::new();
        for (name, embedded) in EMBEDDED {
            let path = dir.join(name);
            let source = match std::fs::read_to_string(&path) {
                Ok(text) => {
                    overridden.push(name.to_string());
                    text
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => embedded.to_string(),
                Err(e) => return Err(SetupError::Templates(format!("cannot read {}: {e}", path.display()))),
            };
            sources.push((name, source));
        }
        tracing::info!(dir = %dir.display(), ?overridden, "message templates loaded");
        Templates::build(sources, overridden)
    }

    fn build(sources: Vec<(&'static str, String)>, overridden: Vec<String>) -> Result<Templates, SetupError> {
        let text = environment(AutoEscape::None, &sources)?;
        let html = environment(AutoEscape::Html, &sources)?;
        Ok(Templates { text, html, overridden })
    }

    /// The template files replaced from the operator's folder.
    pub fn overridden(&self) -> &[String] {
        &self.overridden
    }

    /// Words `message` for `channel`: subject, text and HTML for email; the JSON request
    /// body (and the subject, for the delivery log) for webhooks, Slack and Teams.
    pub fn render(&self, channel: Channel, message: &Message) -> Result<Rendered, String> {
        let context = Value::from(Serde(message));
        let file = file_name(message.kind);
        let [subject, second] = self.blocks(&self.text, &file, &context, ["subject", text_block(channel)])?;
        let subject = one_line(&subject);
        match channel {
            Channel::Email => {
                let [html] = self.blocks(&self.html, &file, &context, ["html"])?;
                Ok(Rendered { subject, body: tidy(&second), html: Some(html.trim().to_string()) })
            }
            Channel::Webhook => Ok(Rendered { body: payload::webhook(message)?, subject, html: None }),
            Channel::Slack => Ok(Rendered { body: payload::slack(message, &tidy(&second)), subject, html: None }),
            Channel::Teams => {
                Ok(Rendered { body: payload::teams(message, &subject, &tidy(&second)), subject, html: None })
            }
        }
    }

    /// Renders the named blocks of one template, evaluating the template once.
    fn blocks<const N: usize>(
        &self,
        env: &Environment<'static>,
        file: &str,
        context: &Value,
        names: [&str; N],
    ) -> Result<[String; N], String> {
        let template = env.get_template(file).map_err(|e| describe(file, &e))?;
        let mut captured = template.render_captured(context.clone()).map_err(|e| describe(file, &e))?;
        let mut out: [String; N] = std::array::from_fn(|_| String::new());
        for (slot, name) in out.iter_mut().zip(names) {
            *slot = captured.with_state_mut(|state| state.render_block(name)).map_err(|e| describe(file, &e))?;
        }
        Ok(out)
    }
}

/// Webhooks carry no prose, but their subject is still worded, for the delivery log.
fn text_block(channel: Channel) -> &'static str {
    match channel {
        Channel::Email => "text",
        Channel::Webhook | Channel::Slack | Channel::Teams => "chat",
    }
}

fn environment(escape: AutoEscape, sources: &[(&'static str, String)]) -> Result<Environment<'static>, SetupError> {
    let mut env = Environment::new();
    let syntax = SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .build()
        .map_err(|e| SetupError::Templates(e.to_string()))?;
    env.set_syntax(syntax);
    // A field a kind does not carry renders empty rather than failing the delivery.
    env.set_undefined_behavior(UndefinedBehavior::Chainable);
    env.set_auto_escape_callback(move |_| escape.clone());
    env.set_formatter(html_formatter);
    for (name, source) in sources {
        env.add_template_owned(*name, source.clone()).map_err(|e| SetupError::Templates(describe(name, &e)))?;
    }
    Ok(env)
}

/// minijinja's HTML escaping also writes `/` as `&#x2f;`, which is safe but turns every
/// link in a message into noise for anyone reading the source or a mail client's raw
/// view; here only the five characters that matter in text and quoted attributes are
/// escaped.
fn html_formatter(out: &mut Output, state: &mut State, value: &Value) -> Result<(), minijinja::Error> {
    if !matches!(state.auto_escape(), AutoEscape::Html) || value.is_safe() || value.is_undefined() || value.is_none() {
        return escape_formatter(out, state, value);
    }
    let text = value.to_string();
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    out.write_str(&escaped).map_err(minijinja::Error::from)
}

/// minijinja's error with its cause chain, which names the line that failed.
fn describe(file: &str, error: &minijinja::Error) -> String {
    let mut text = format!("template {file}: {error}");
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

/// A subject is one line: newlines and runs of spaces collapse to single spaces.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Plain text as people read it: no trailing spaces, at most one blank line in a row,
/// nothing blank at either end.
pub fn tidy(text: &str) -> String {
    let mut out = String::new();
    let mut blank = false;
    for line in text.trim().lines().map(str::trim_end) {
        if line.is_empty() {
            blank = true;
            continue;
        }
        if blank {
            out.push('\n');
            blank = false;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}
