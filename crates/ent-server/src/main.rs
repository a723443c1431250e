//! `ent-server` binary: a thin shim over the library.
fn main() -> anyhow::Result<()> {
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let handle = ent_server::serve(listener)?;
        println!("listening on http://{}", handle.addr());
        tokio::signal::ctrl_c().await?;
        handle.stop().await;
        Ok(())
    })
}
