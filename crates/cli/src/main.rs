//! `messagerie-cli`: the mailbox from a terminal, for scripts and power users.
//!
//! A thin shell over `messagerie_core::Mailbox`, the facade the desktop app drives: no ENT or
//! SQLite code here. It must not depend on `tauri` nor on `ent-server` (tests only).
//!
//! Several accounts, on one ENT or several: `login` adds one (the first is the default),
//! `--account NAME` picks one for any command, `accounts` lists, changes the default, removes.
//! The registry of accounts (`cli.json`) is in `accounts.rs`.
//!
//! The password never travels as an argument: it comes from `MESSAGERIE_PASSWORD`, the OS
//! keyring (saved by `login`), or a prompt when stdin is a terminal.
//!
//! Exit codes (stable, for scripts): 0 done; 2 bad usage; 3 the ENT cannot be reached (local
//! changes stay queued); 4 sign-in needed or wrong password; 5 the ENT refused or forbids it;
//! 6 the ENT failed or answered nonsense; 7 local store error (disk full, locked); 8 no such
//! message, folder or account, or invalid input.
//!
//! `--json` is honoured by every subcommand: stdout is then one JSON value (an array for the
//! listings, an object otherwise); warnings and errors stay on stderr as text.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use accounts::{Entry, Registry, RegistryError};
use clap::{Parser, Subcommand};
use messagerie_core::mailbox::Event;
use messagerie_core::queue::DraftContent;
use messagerie_core::search::{SearchQuery, MATCH_END, MATCH_START};
use messagerie_core::secrets::{self, Remembered};
use messagerie_core::session::{Credentials, OAuthClient, Secret};
use messagerie_core::sync::SyncMode;
use messagerie_core::{Account, ErrorKind, Mailbox};
use serde::Serialize;

mod accounts;

#[derive(Parser)]
#[command(
    name = "messagerie-cli",
    version,
    about = "Your ENT mailbox, offline, from a terminal",
    after_help = "Exit codes: 0 ok, 2 usage, 3 offline, 4 sign-in needed, 5 refused, 6 ENT error, 7 local store, 8 not found/invalid (message, folder, account), 9 action needed on the ENT (open the page it names in a browser, e.g. new terms of use; queued actions wait)"
)]
struct Cli {
    /// The account to use, by its name (`accounts` lists them; default: the default account).
    /// With `login`, the name to give the account it adds.
    #[arg(long, env = "MESSAGERIE_ACCOUNT", global = true)]
    account: Option<String>,
    /// The ENT's address (remembered after `login`); wins over the account's.
    #[arg(long, env = "MESSAGERIE_SERVER", global = true)]
    server: Option<String>,
    /// Your ENT login (remembered after `login`); wins over the account's.
    #[arg(long, env = "MESSAGERIE_LOGIN", global = true)]
    login: Option<String>,
    /// Where mailboxes are stored (default: the platform data directory).
    #[arg(long, env = "MESSAGERIE_DATA_DIR", global = true)]
    data_dir: Option<PathBuf>,
    /// OAuth2 client id registered on the ENT: sign in with the password grant instead of the
    /// login form (the secret comes from MESSAGERIE_CLIENT_SECRET).
    #[arg(long, env = "MESSAGERIE_CLIENT_ID", global = true)]
    client_id: Option<String>,
    /// Print one JSON value on stdout instead of text (every subcommand).
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Signs in, remembers the account (server and login) and, in the OS keyring, the password.
    ///
    /// A new server or login adds an account, named by `--account` or `LOGIN@HOST`; the first
    /// account added is the default. Without `--server` and `--login`, signs in again to the
    /// account `--account` names (or the default one).
    Login,
    /// Lists the accounts (name, login, server, `default`); `default NAME` and `remove NAME`
    /// change them.
    Accounts {
        #[command(subcommand)]
        action: Option<AccountsAction>,
    },
    /// Sends queued actions and brings the mailbox in step with the ENT.
    Sync {
        /// List every folder even if the quick check sees nothing new.
        #[arg(long)]
        full: bool,
    },
    /// Lists folders with their counts.
    Folders,
    /// Lists messages of a folder (inbox, outbox, draft, trash or a folder id), newest first.
    ///
    /// A folder id the local mailbox does not have exits 8 (`folders` lists the ids).
    Ls {
        folder: String,
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long, default_value_t = 0)]
        offset: u32,
    },
    /// Shows a message (and marks it read).
    Read { id: String },
    /// Searches all synced mail (prefixes, accents ignored).
    Search {
        query: String,
        #[arg(long)]
        folder: Option<String>,
        /// Only messages from or to this user or group id.
        #[arg(long)]
        person: Option<String>,
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
    /// Sends a message.
    Send {
        /// Recipient ids (users or groups); repeat or separate with commas.
        #[arg(long, value_delimiter = ',')]
        to: Vec<String>,
        #[arg(long, value_delimiter = ',')]
        cc: Vec<String>,
        #[arg(long, value_delimiter = ',')]
        cci: Vec<String>,
        #[arg(long, default_value = "")]
        subject: String,
        /// The body (plain text; `-` reads stdin).
        #[arg(long, default_value = "")]
        body: String,
        #[arg(long)]
        attach: Vec<PathBuf>,
    },
    /// Moves messages to a user folder (`inbox` takes them out of their folder).
    Mv {
        #[arg(required = true)]
        ids: Vec<String>,
        #[arg(long)]
        to: String,
    },
    /// Moves messages to the trash (`--forever` deletes trashed ones for good).
    Rm {
        #[arg(required = true)]
        ids: Vec<String>,
        #[arg(long)]
        forever: bool,
    },
    /// Brings messages back from the trash.
    Restore {
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// Finds recipients by the first letters of their name (id, kind, name, tab-separated).
    Who { query: String },
}

#[derive(Subcommand)]
enum AccountsAction {
    /// Makes NAME the account commands use when `--account` names none.
    Default {
        /// The account's name, as `accounts` lists it.
        name: String,
    },
    /// Forgets NAME: its local copy of the mail, its queued actions, its password and session in
    /// the keyring. The other accounts are untouched; the mail stays on the ENT.
    ///
    /// Refused while messages wait to be sent or drafts are not on the ENT yet (`sync` sends
    /// them), unless `--force`.
    Remove {
        /// The account's name, as `accounts` lists it.
        name: String,
        /// Remove even if messages or drafts only this computer has would be lost.
        #[arg(long)]
        force: bool,
    },
}

struct Failure {
    code: u8,
    message: String,
}

impl From<messagerie_core::Error> for Failure {
    fn from(e: messagerie_core::Error) -> Self {
        let code = match e.kind() {
            ErrorKind::Offline | ErrorKind::Certificate => 3,
            ErrorKind::SessionExpired | ErrorKind::BadCredentials => 4,
            ErrorKind::NotAllowed | ErrorKind::Refused => 5,
            ErrorKind::Server | ErrorKind::BadAnswer => 6,
            ErrorKind::Storage | ErrorKind::InUse => 7,
            ErrorKind::InvalidInput => 8,
            // The ENT sends every call to a page the user must act on (new terms of use...):
            // nothing was done, the queue keeps the actions.
            ErrorKind::ActionNeeded => 9,
        };
        Failure {
            code,
            message: with_causes(&e),
        }
    }
}

impl From<RegistryError> for Failure {
    fn from(e: RegistryError) -> Self {
        Failure {
            code: e.exit_code(),
            message: with_causes(&e),
        }
    }
}

/// The error's message followed by its causes', `: `-separated.
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        message.push_str(&format!(": {s}"));
        source = s.source();
    }
    message
}

fn fail(code: u8, message: impl Into<String>) -> Failure {
    Failure {
        code,
        message: message.into(),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("messagerie-cli: cannot start: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("messagerie-cli: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

fn root(cli: &Cli) -> Result<PathBuf, Failure> {
    match &cli.data_dir {
        Some(d) => Ok(d.clone()),
        None => {
            let a = Account::in_data_dir("x", "x").map_err(Failure::from)?;
            Ok(a.dir.parent().map(PathBuf::from).unwrap_or_default())
        }
    }
}

/// The ENT and login a command works on: the account `--account` names (or the default one),
/// with `--server` and `--login` winning over its fields. For `login`, an unknown name is the
/// name of a new account, whose server and login the command line gives.
fn target(cli: &Cli, registry: &Registry) -> Result<(String, String), Failure> {
    let base = match &cli.account {
        Some(name) => match registry.get(name) {
            Ok(entry) => Some(entry),
            Err(_) if matches!(cli.command, Command::Login) && cli.server.is_some() => None,
            Err(unknown) => return Err(unknown.into()),
        },
        None => registry.default_account(),
    };
    let server = cli
        .server
        .clone()
        .or_else(|| base.map(|e| e.server.clone()))
        .ok_or_else(|| fail(2, "no ENT address: pass --server (or MESSAGERIE_SERVER)"))?;
    let login = cli
        .login
        .clone()
        .or_else(|| base.map(|e| e.login.clone()))
        .ok_or_else(|| fail(2, "no login: pass --login (or MESSAGERIE_LOGIN)"))?;
    Ok((server, login))
}

/// The password: environment, then keyring, then a prompt on a terminal.
fn password(server: &str, login: &str) -> Result<Secret, Failure> {
    if let Ok(p) = std::env::var("MESSAGERIE_PASSWORD") {
        return Ok(Secret::new(p));
    }
    if let Some(p) = secrets::saved_password(server, login) {
        return Ok(p);
    }
    if std::io::stdin().is_terminal() {
        let p = rpassword::prompt_password(format!("Password for {login}: "))
            .map_err(|e| fail(2, format!("cannot read the password: {e}")))?;
        return Ok(Secret::new(p));
    }
    Err(fail(
        4,
        "no password: set MESSAGERIE_PASSWORD, run `login` on a terminal, or use the keyring",
    ))
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let root = root(&cli)?;
    let registry = Registry::load(&root)?;
    if let Command::Accounts { action } = cli.command {
        return accounts(&root, registry, action, cli.json).await;
    }
    let (server, login) = target(&cli, &registry)?;
    if matches!(cli.command, Command::Login) {
        // Refused names are refused before signing in or making a mailbox folder.
        registry
            .clone()
            .remember(cli.account.as_deref(), &server, &login)?;
    }
    let mailbox = Mailbox::open(Account::in_dir(&root, &server, &login)).await?;
    let oauth = cli.client_id.clone().map(|client_id| OAuthClient {
        client_id,
        client_secret: Secret::new(std::env::var("MESSAGERIE_CLIENT_SECRET").unwrap_or_default()),
    });
    let sign_in = |mailbox: Mailbox, server: String, login: String| {
        let oauth = oauth.clone();
        async move {
            let pw = password(&server, &login)?;
            mailbox
                .sign_in(
                    Credentials {
                        login,
                        password: pw,
                    },
                    oauth,
                )
                .await
                .map(drop)
                .map_err(Failure::from)
        }
    };

    match cli.command {
        Command::Login => {
            let pw = password(&server, &login)?;
            mailbox
                .sign_in(
                    Credentials {
                        login: login.clone(),
                        password: pw.clone(),
                    },
                    oauth.clone(),
                )
                .await?;
            match secrets::save_password(&server, &login, &pw) {
                Remembered::Kept => {}
                Remembered::UntilRestart => eprintln!(
                    "messagerie-cli: warning: no Secret Service; the password is kept only until the computer restarts"
                ),
                Remembered::No => eprintln!(
                    "messagerie-cli: warning: the OS keyring is not available; the password was not saved"
                ),
            }
            let (entry, default) = Registry::edit(&root, |r| {
                let entry = r.remember(cli.account.as_deref(), &server, &login)?;
                let default = r.default_account().is_some_and(|d| d.name == entry.name);
                Ok((entry, default))
            })?;
            if cli.json {
                print_json(&serde_json::json!({
                    "account": entry.name,
                    "server": server,
                    "login": login,
                    "default": default,
                }));
            } else {
                println!("signed in as {login} on {server} (account {})", entry.name);
            }
        }
        Command::Accounts { .. } => unreachable!("handled above"),
        Command::Sync { full } => {
            sign_in(mailbox.clone(), server, login).await?;
            let progress = progress_bar(&mailbox);
            let result = mailbox
                .sync(if full {
                    SyncMode::Full
                } else {
                    SyncMode::Quick
                })
                .await;
            if let Some(p) = progress {
                p.abort();
            }
            let report = result?;
            if cli.json {
                print_json(&report);
            } else if report.unchanged {
                println!("up to date");
            } else {
                println!(
                    "{} new, {} changed, {} removed, {} bodies, {} new unread in inbox",
                    report.inserted,
                    report.updated,
                    report.deleted,
                    report.bodies_fetched,
                    report.new_mail.len()
                );
            }
            for e in &report.errors {
                eprintln!("messagerie-cli: warning: {e}");
            }
            if !report.errors.is_empty() {
                return Err(fail(
                    6,
                    format!("{} part(s) of the sync failed", report.errors.len()),
                ));
            }
        }
        Command::Folders => {
            let folders = mailbox.folders().await?;
            if cli.json {
                print_json(&folders);
            } else {
                for f in folders {
                    let indent = "  ".repeat(f.depth.saturating_sub(1) as usize);
                    println!(
                        "{}\t{indent}{}\t{}\t{} unread",
                        f.id, f.name, f.total, f.unread
                    );
                }
            }
        }
        Command::Ls {
            folder,
            limit,
            offset,
        } => {
            known_folder(&mailbox, &folder).await?;
            let list = mailbox.list(&folder, offset, limit).await?;
            if cli.json {
                print_json(&list);
            } else {
                for m in list {
                    let from = m
                        .from
                        .as_ref()
                        .map(|f| f.display_name.as_str())
                        .unwrap_or("");
                    println!(
                        "{}\t{}\t{}\t{}\t{}",
                        m.id,
                        if m.unread { "*" } else { " " },
                        date(m.date),
                        from,
                        m.subject
                    );
                }
            }
        }
        Command::Read { id } => {
            let m = mailbox.read(&id).await?;
            // Best effort: tell the ENT it was read now; otherwise it stays queued.
            if sign_in(mailbox.clone(), server, login).await.is_ok() {
                let _ = mailbox.flush_queue().await;
            }
            if cli.json {
                print_json(&m);
            } else {
                let names = |l: &[messagerie_core::message::Recipient]| {
                    l.iter()
                        .map(|r| r.display_name.clone())
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                println!(
                    "From: {}",
                    m.summary
                        .from
                        .as_ref()
                        .map(|f| f.display_name.as_str())
                        .unwrap_or("")
                );
                println!("To: {}", names(&m.summary.to));
                if !m.cc.is_empty() {
                    println!("Cc: {}", names(&m.cc));
                }
                println!("Date: {}", date(m.summary.date));
                println!("Subject: {}", m.summary.subject);
                for a in &m.attachments {
                    println!("Attachment: {} ({} bytes) [{}]", a.filename, a.size, a.id);
                }
                println!();
                match &m.body {
                    Some(b) => println!("{}", messagerie_core::message::html_to_text(b)),
                    None => println!("(body not synced yet)"),
                }
            }
        }
        Command::Search {
            query,
            folder,
            person,
            limit,
        } => {
            if let Some(folder) = &folder {
                known_folder(&mailbox, folder).await?;
            }
            let hits = mailbox
                .search(SearchQuery {
                    text: query,
                    folder_id: folder,
                    person_id: person,
                    limit: Some(limit),
                })
                .await?;
            if cli.json {
                print_json(&hits);
            } else {
                for h in hits {
                    let snippet = h.snippet.replace(MATCH_START, "[").replace(MATCH_END, "]");
                    println!(
                        "{}\t{}\t{}\t{}",
                        h.message.id,
                        date(h.message.date),
                        h.message.subject,
                        snippet
                    );
                }
            }
        }
        Command::Send {
            to,
            cc,
            cci,
            subject,
            body,
            attach,
        } => {
            let body = if body == "-" {
                std::io::read_to_string(std::io::stdin())
                    .map_err(|e| fail(2, format!("cannot read stdin: {e}")))?
            } else {
                body
            };
            let html = body
                .lines()
                .map(|l| {
                    format!(
                        "<p>{}</p>",
                        l.replace('&', "&amp;")
                            .replace('<', "&lt;")
                            .replace('>', "&gt;")
                    )
                })
                .collect::<String>();
            let content = DraftContent {
                subject,
                body: html,
                to,
                cc,
                cci,
                in_reply_to: None,
            };
            let id = mailbox.save_draft(None, content.clone()).await?;
            for file in &attach {
                mailbox.add_attachment(&id, file).await?;
            }
            let id = mailbox.send(Some(&id), content).await?;
            deliver(&mailbox, sign_in(mailbox.clone(), server, login).await).await?;
            if cli.json {
                print_json(&serde_json::json!({ "id": id }));
            } else {
                println!("{id}");
            }
        }
        Command::Mv { ids, to } => {
            if to == "inbox" || to == "outbox" {
                mailbox.move_to_root(&ids).await?;
            } else {
                mailbox.move_to_folder(&ids, &to).await?;
            }
            deliver(&mailbox, sign_in(mailbox.clone(), server, login).await).await?;
            if cli.json {
                print_json(&serde_json::json!({ "moved": ids, "to": to }));
            }
        }
        Command::Rm { ids, forever } => {
            if forever {
                mailbox.delete_forever(&ids).await?;
            } else {
                mailbox.trash(&ids).await?;
            }
            deliver(&mailbox, sign_in(mailbox.clone(), server, login).await).await?;
            if cli.json {
                let done = if forever { "deleted" } else { "trashed" };
                print_json(&serde_json::json!({ done: ids }));
            }
        }
        Command::Restore { ids } => {
            mailbox.restore(&ids).await?;
            deliver(&mailbox, sign_in(mailbox.clone(), server, login).await).await?;
            if cli.json {
                print_json(&serde_json::json!({ "restored": ids }));
            }
        }
        Command::Who { query } => {
            let found = mailbox.recipients(&query, None).await?;
            if cli.json {
                print_json(&found);
            } else {
                for v in found {
                    let size = v
                        .nb_users
                        .map(|n| format!(" ({n} members)"))
                        .unwrap_or_default();
                    println!("{}\t{}\t{}{}", v.id, v.kind, v.display_name, size);
                }
            }
        }
    }
    Ok(())
}

/// `accounts`: lists them, or changes the default, or removes one. Runs before any mailbox is
/// opened, so that removing the default account does not find its own mailbox locked.
async fn accounts(
    root: &std::path::Path,
    registry: Registry,
    action: Option<AccountsAction>,
    json: bool,
) -> Result<(), Failure> {
    match action {
        None => {
            let list = registry.list();
            if json {
                print_json(&list);
            } else {
                for a in list {
                    let default = if a.default { "default" } else { "" };
                    println!("{}\t{}\t{}\t{default}", a.name, a.login, a.server);
                }
            }
        }
        Some(AccountsAction::Default { name }) => {
            Registry::edit(root, |r| r.set_default(&name))?;
            if json {
                print_json(&serde_json::json!({ "default": name }));
            } else {
                println!("{name} is now the default account");
            }
        }
        Some(AccountsAction::Remove { name, force }) => {
            if !force {
                nothing_unsent(root, registry.get(&name)?).await?;
            }
            let default = Registry::edit(root, |r| {
                r.remove(root, &name)?;
                Ok(r.default_account().map(|e| e.name.clone()))
            })?;
            if json {
                print_json(&serde_json::json!({ "removed": name, "default": default }));
            } else {
                println!("removed {name}: its local copy and its saved password");
                if let Some(d) = default {
                    println!("the default account is {d}");
                }
            }
        }
    }
    Ok(())
}

/// Refuses to remove an account whose messages or drafts only this computer has (exit 2).
async fn nothing_unsent(root: &std::path::Path, entry: &Entry) -> Result<(), Failure> {
    let unsent = Mailbox::open(entry.account(root)).await?.unsent().await?;
    if unsent.is_empty() {
        return Ok(());
    }
    Err(fail(
        2,
        format!(
            "{} has {} message(s) waiting to be sent and {} draft(s) the ENT does not have yet: \
             run `messagerie-cli --account {} sync` first, or pass --force to lose them",
            entry.name, unsent.messages, unsent.drafts, entry.name
        ),
    ))
}

/// One JSON value on stdout (`--json`). The CLI's own values always serialize; should one not,
/// `null` is printed rather than nothing, so the output still parses.
fn print_json(value: &impl Serialize) {
    println!(
        "{}",
        serde_json::to_string(value).unwrap_or_else(|_| "null".to_string())
    );
}

/// Refuses a folder id the local mailbox does not have (exit 8), instead of listing nothing:
/// a typo and an empty folder must not look alike to a script.
async fn known_folder(mailbox: &Mailbox, id: &str) -> Result<(), Failure> {
    if mailbox.folders().await?.iter().any(|f| f.id == id) {
        return Ok(());
    }
    let mut failure = Failure::from(messagerie_core::Error::FolderNotFound(id.to_string()));
    failure
        .message
        .push_str(" (`messagerie-cli folders` lists the ids; `sync` fetches new folders)");
    Err(failure)
}

/// Replays the queue after an action; offline is not a failure of the action (it stays
/// queued, exit code 3 tells the script), a refusal is.
async fn deliver(mailbox: &Mailbox, signed_in: Result<(), Failure>) -> Result<(), Failure> {
    signed_in?;
    let report = mailbox.flush_queue().await?;
    if let Some((action, reason)) = report.refused.first() {
        return Err(fail(
            5,
            format!("the ENT refused {action}: {reason} (the local change was undone)"),
        ));
    }
    Ok(())
}

fn date(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// A progress bar on stderr, only when it is a terminal.
fn progress_bar(mailbox: &Mailbox) -> Option<tokio::task::JoinHandle<()>> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let mut events = mailbox.events();
    Some(tokio::spawn(async move {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{msg:>12} [{bar:30}] {pos}/{len}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        while let Ok(event) = events.recv().await {
            if let Event::Progress {
                folder,
                done,
                total,
            } = event
            {
                bar.set_message(folder);
                bar.set_length(u64::from(total));
                bar.set_position(u64::from(done));
            }
        }
        bar.finish_and_clear();
    }))
}
