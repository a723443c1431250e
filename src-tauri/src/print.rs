//! « Imprimer »: the print view the window built for paper (`ui/src/print/`: the headers as a
//! table, the sanitized bodies, no toolbar and no list) goes to the system's print dialog. Its
//! « Imprimer dans un fichier » printer is the PDF export where the platform offers one.
//!
//! Linux: the document is loaded into a WebKitGTK view of its own, never shown (a GTK offscreen
//! window), with JavaScript off, an ephemeral context (nothing written to disk) and no Tauri IPC;
//! `WebKitPrintOperation` then runs GTK's print dialog over the main window. The main window is
//! never printed: its page is the app, not a sheet of paper.
//!
//! Windows, macOS: the command answers `false` and the window prints the same document with the
//! webview's own print (`window.print()` of a frame, `ui/src/print/print.ts`).
//!
//! Whatever the window sends, the document's first bytes are a Content-Security-Policy that
//! loads nothing (inline styles and `data:` images only): a printed message never fetches a
//! tracking image. [`document`] builds it; its test checks it.
//!
//! Test seam, debug builds only (what `cargo test` builds): `MESSAGERIE_TEST_PRINT_TO` names a
//! PDF file; the document is then printed there by GTK's file printer, without the dialog
//! (WebDriver cannot drive it). Release builds always show the dialog.
use tauri::AppHandle;

use crate::error::{CommandError, ErrorKind};

/// What the print view may load: inline styles and inline images, nothing from anywhere.
const PRINT_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/// A print view larger than this is refused (bodies with inlined images stay far below it).
const MAX_DOCUMENT_BYTES: usize = 64 * 1024 * 1024;

/// Prints the window's print view (`html`: its markup, `title`: the job's name, `lang`: the
/// window's language). Answers once the dialog was closed and the job handed over: `true` when
/// the print went through the system's dialog here (cancelling it is no error); `false` where
/// the window must print it with the webview's own print (Windows, macOS).
#[tauri::command]
#[tracing::instrument(skip_all, err)]
pub async fn print_document(
    app: AppHandle,
    title: String,
    lang: String,
    html: String,
) -> Result<bool, CommandError> {
    check_size(&html)?;
    let document = document(&title, &lang, &html);
    print(&app, document).await
}

/// Refuses a print view larger than [`MAX_DOCUMENT_BYTES`].
fn check_size(html: &str) -> Result<(), CommandError> {
    if html.len() > MAX_DOCUMENT_BYTES {
        return Err(CommandError::new(
            ErrorKind::InvalidInput,
            "ce document est trop grand pour être imprimé ; imprimez les messages un par un",
        ));
    }
    Ok(())
}

/// The whole document: the CSP and the charset first, before any byte from the window.
fn document(title: &str, lang: &str, markup: &str) -> String {
    let lang = if lang == "en" { "en" } else { "fr" };
    format!(
        "<!doctype html><html lang=\"{lang}\"><head>\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{PRINT_CSP}\">\
         <meta charset=\"utf-8\"><meta name=\"referrer\" content=\"no-referrer\">\
         <title>{}</title></head><body>{markup}</body></html>",
        escape(title)
    )
}

/// Text as HTML text.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(not(target_os = "linux"))]
async fn print(_app: &AppHandle, _document: String) -> Result<bool, CommandError> {
    Ok(false)
}

#[cfg(target_os = "linux")]
async fn print(app: &AppHandle, document: String) -> Result<bool, CommandError> {
    use tauri::Manager as _;
    let to_file = test_output();
    let parent = app.get_webview_window("main");
    let (done, outcome) = tokio::sync::oneshot::channel();
    // GTK lives on the main thread: the dialog runs there, this command waits for its outcome.
    app.run_on_main_thread(move || {
        let parent = parent.and_then(|w| w.gtk_window().ok());
        linux::print(document, parent, to_file, move |result| {
            let _ = done.send(result);
        });
    })?;
    match outcome.await {
        Ok(Ok(())) => Ok(true),
        Ok(Err(reason)) => {
            tracing::warn!(%reason, "the print job failed");
            Err(CommandError::new(
                ErrorKind::Internal,
                "l'impression n'a pas abouti ; vérifiez l'imprimante choisie et réessayez",
            ))
        }
        // The view went away without an outcome.
        Err(_) => Err(CommandError::internal()),
    }
}

/// `MESSAGERIE_TEST_PRINT_TO`, in debug builds only.
#[cfg(target_os = "linux")]
fn test_output() -> Option<std::path::PathBuf> {
    if cfg!(debug_assertions) {
        std::env::var_os("MESSAGERIE_TEST_PRINT_TO").map(std::path::PathBuf::from)
    } else {
        None
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use std::cell::Cell;
    use std::path::PathBuf;
    use std::rc::Rc;

    use gtk::prelude::*;
    use webkit2gtk::{
        LoadEvent, PrintOperation, PrintOperationExt, PrintOperationResponse, SettingsExt,
        WebContext, WebView, WebViewExt,
    };

    /// What a print came to: handed over (or cancelled), or why the job failed.
    type Outcome = Result<(), String>;

    /// Loads `document` off screen, then prints it: through the dialog over `parent`, or to
    /// the PDF file `to_file` (the test seam). `done` gets the outcome, once; the view goes
    /// away with the job.
    pub fn print(
        document: String,
        parent: Option<gtk::ApplicationWindow>,
        to_file: Option<PathBuf>,
        done: impl FnOnce(Outcome) + 'static,
    ) {
        let done = Rc::new(Cell::new(Some(done)));
        // The first outcome counts: `finished` follows `failed`.
        let settle = move |outcome: Outcome| {
            if let Some(done) = done.take() {
                done(outcome);
            }
        };

        let settings = webkit2gtk::Settings::new();
        settings.set_enable_javascript(false);
        settings.set_enable_javascript_markup(false);
        settings.set_enable_page_cache(false);
        settings.set_enable_html5_database(false);
        settings.set_auto_load_images(true);
        let context = WebContext::new_ephemeral();
        let view = WebView::builder()
            .web_context(&context)
            .settings(&settings)
            .build();
        // Never shown: a print view lays out and prints without being on screen.
        let holder = gtk::OffscreenWindow::new();
        holder.add(&view);
        holder.show_all();

        let loaded = Rc::new(Cell::new(false));
        view.connect_load_changed(move |view, event| {
            if event != LoadEvent::Finished || loaded.replace(true) {
                return;
            }
            let operation = PrintOperation::new(view);
            let failed = settle.clone();
            operation.connect_failed(move |_, error| failed(Err(error.to_string())));
            // `finished` follows `failed` too: the view is let go either way.
            let finished = settle.clone();
            let job_holder = holder.clone();
            operation.connect_finished(move |_| {
                tracing::info!("print job finished");
                finished(Ok(()));
                job_holder.close();
            });
            let started = match &to_file {
                Some(path) => to_pdf(&operation, path),
                None => operation.run_dialog(parent.as_ref()) == PrintOperationResponse::Print,
            };
            if !started {
                // Cancelled, or no file to print to: no job, so `finished` never comes.
                settle(Ok(()));
                holder.close();
            }
        });
        view.load_html(&document, None);
    }

    /// Prints without a dialog to `path`, with GTK's file printer (named in the user's
    /// language, as GTK names it); false when `path` cannot be a file's address.
    fn to_pdf(operation: &PrintOperation, path: &std::path::Path) -> bool {
        let uri = match gtk::glib::filename_to_uri(path, None) {
            Ok(uri) => uri,
            Err(error) => {
                tracing::warn!(%error, "cannot print to this file");
                return false;
            }
        };
        let settings = gtk::PrintSettings::new();
        settings.set_printer(&gtk::glib::dgettext(Some("gtk30"), "Print to File"));
        settings.set("output-uri", Some(&uri));
        settings.set("output-file-format", Some("pdf"));
        operation.set_print_settings(&settings);
        tracing::info!("printing to a file, without the dialog (test seam)");
        operation.print();
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_print_document_opens_with_a_policy_that_loads_nothing() {
        let markup = r#"<img src="https://tracker.example/p.gif"><p>Bonjour</p>"#;
        let doc = document("Sortie </title><script>x()</script>", "fr", markup);
        let policy = doc.find("Content-Security-Policy").expect("a CSP");
        assert!(policy < doc.find("tracker").expect("the markup"));
        assert!(policy < doc.find("<title>").expect("the title"));
        assert!(doc
            .contains("content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\""));
        assert!(
            doc.contains("<title>Sortie &lt;/title&gt;&lt;script&gt;x()&lt;/script&gt;</title>")
        );
        assert!(doc.starts_with("<!doctype html><html lang=\"fr\">"));
    }

    #[test]
    fn a_print_view_beyond_the_limit_is_refused_as_invalid_input() {
        assert!(check_size(&"a".repeat(MAX_DOCUMENT_BYTES)).is_ok());
        let error = check_size(&"a".repeat(MAX_DOCUMENT_BYTES + 1)).expect_err("too big");
        assert_eq!(error.kind, ErrorKind::InvalidInput);
        assert!(error.message.contains("un par un"), "{}", error.message);
    }

    #[test]
    fn the_language_is_french_or_english_and_nothing_else() {
        assert!(document("t", "en", "").starts_with("<!doctype html><html lang=\"en\">"));
        assert!(document("t", "\"><script>", "").starts_with("<!doctype html><html lang=\"fr\">"));
    }
}
