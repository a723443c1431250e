//! `ent-server` binary: a thin shim over the library.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;

/// An ENT-compatible (entcore) messaging server: the Messagerie demo and test peer.
#[derive(Parser)]
#[command(version, about)]
struct Args {
    /// Address to listen on, e.g. 127.0.0.1:8090.
    #[arg(long, default_value = "127.0.0.1:8090")]
    listen: SocketAddr,
    /// Data directory (SQLite database and attachment files); created if missing.
    #[arg(long)]
    data: PathBuf,
    /// School description (TOML, see the ent-directory docs).
    #[arg(long, conflicts_with = "demo", required_unless_present = "demo")]
    school: Option<PathBuf>,
    /// Serve the demo school « Collège Jean Moulin » with seeded mailboxes.
    #[arg(long)]
    demo: bool,
    /// Send calls without a session to this address instead of /auth/login (entcore's
    /// `loginUri`: a CAS or SAML provider).
    #[arg(long)]
    login_uri: Option<String>,
    /// Set no XSRF-TOKEN cookie at sign-in (entcore's `xsrfOnAuth` off): only HTML pages set it.
    #[arg(long)]
    no_xsrf_on_auth: bool,
    /// Wait this many milliseconds before answering each request, as a distant ENT would
    /// (0: answer at once). A test switch, not an ENT option.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Before serving, write N generated messages into LOGIN's inbox, from every user who may
    /// write to them, one in three unread (`LOGIN=N`, e.g. `marie.durand=100000`; each start
    /// adds N more). For benchmarks: seconds where sending them would take minutes.
    #[arg(long, value_name = "LOGIN=N", value_parser = parse_seed)]
    seed_inbox: Option<(String, usize)>,
}

fn parse_seed(arg: &str) -> Result<(String, usize), String> {
    let (login, n) = arg
        .split_once('=')
        .ok_or("expected LOGIN=N, e.g. marie.durand=10000")?;
    let n = n
        .parse()
        .map_err(|_| format!("{n} is not a number of messages"))?;
    Ok((login.to_owned(), n))
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let mut config = match &args.school {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read school file {}", path.display()))?;
            let dir = ent_directory::Directory::from_toml(&text)
                .with_context(|| format!("invalid school file {}", path.display()))?;
            ent_server::Config::new(dir, &args.data)
        }
        None => ent_server::Config::demo(&args.data),
    };
    config.login_uri = args.login_uri.clone();
    config.xsrf_on_auth = !args.no_xsrf_on_auth;
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        let handle = ent_server::start(listener, config).await?;
        if let Some((login, n)) = &args.seed_inbox {
            let seeded = handle
                .seed_inbox(ent_server::seed::InboxSeed::new(login, *n))
                .await
                .with_context(|| format!("cannot seed the inbox of {login}"))?;
            println!(
                "seeded {} messages ({} unread) into {login}'s inbox",
                seeded.count, seeded.unread
            );
        }
        handle
            .faults()
            .set_latency(std::time::Duration::from_millis(args.latency_ms));
        println!("ent-server listening on {}", handle.base_url());
        tokio::signal::ctrl_c().await?;
        handle.stop().await;
        Ok(())
    })
}
