//! axe-core (the `axe-core` npm package, a dev dependency of `ui/`) run inside the app's page
//! through WebDriver: the script is read from `ui/node_modules`, executed once per page, then
//! `axe.run` reports the rules the screen breaks.
use std::fmt;
use std::path::Path;

use serde::Deserialize;
use serde_json::json;

use super::App;

/// The impacts a screen must never have (axe's scale: minor, moderate, serious, critical).
const BLOCKING: [&str; 2] = ["serious", "critical"];

/// One rule broken on the screen, with where and what to do, as axe words it.
#[derive(Debug, Deserialize)]
pub struct Violation {
    pub id: String,
    pub impact: Option<String>,
    pub help: String,
    #[serde(rename = "helpUrl")]
    pub help_url: String,
    pub nodes: Vec<Node>,
}

#[derive(Debug, Deserialize)]
pub struct Node {
    /// CSS selectors leading to the element (one per nested frame).
    pub target: Vec<serde_json::Value>,
    #[serde(rename = "failureSummary")]
    pub failure_summary: Option<String>,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let impact = self.impact.as_deref().unwrap_or("?");
        writeln!(
            f,
            "- {} ({impact}): {} <{}>",
            self.id, self.help, self.help_url
        )?;
        for node in &self.nodes {
            let target: Vec<String> = node.target.iter().map(ToString::to_string).collect();
            writeln!(f, "    at {}", target.join(" > "))?;
            if let Some(summary) = &node.failure_summary {
                for line in summary.lines() {
                    writeln!(f, "       {line}")?;
                }
            }
        }
        Ok(())
    }
}

/// axe's own source, as npm installed it for the UI.
fn source() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|error| {
        panic!(
            "cannot read {} ({error}): run `npm install` in ui/",
            path.display()
        )
    })
}

/// The serious and critical violations on what the window shows now. The message body's
/// sandboxed frame runs no script, so axe cannot enter it: it is checked as a frame (its
/// title), not inside (the body is its author's HTML).
pub async fn violations(app: &App) -> Vec<Violation> {
    let loaded = app
        .driver
        .execute("return typeof window.axe === 'object';", vec![])
        .await
        .expect("ask the page whether axe is loaded");
    if loaded.json() != &json!(true) {
        app.driver
            .execute(&source(), vec![])
            .await
            .expect("load axe-core in the page");
    }
    let script = r#"
        const [blocking, done] = arguments;
        window.axe
            .run(document, { iframes: false, resultTypes: ["violations"] })
            .then(
                (r) => done({ ok: r.violations.filter((v) => blocking.includes(v.impact)) }),
                (e) => done({ err: String(e) }),
            );
    "#;
    let reply = app
        .driver
        .execute_async(script, vec![json!(BLOCKING)])
        .await
        .expect("run axe in the page");
    let reply = reply.json();
    if let Some(error) = reply.get("err") {
        panic!("axe.run failed: {error}");
    }
    serde_json::from_value(reply["ok"].clone()).expect("axe's violations")
}

/// Fails naming every serious or critical violation on `screen`: its rule, where, what to do.
pub async fn assert_clean(app: &App, screen: &str) {
    let found = violations(app).await;
    if !found.is_empty() {
        app.screenshot(&format!("axe-{}.png", screen.replace(' ', "-")));
        let listed: String = found.iter().map(ToString::to_string).collect();
        panic!(
            "axe-core: {} serious or critical violation(s) on « {screen} »:\n{listed}",
            found.len()
        );
    }
}
