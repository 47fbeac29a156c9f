use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use polmon_pipeline::Pipeline;

/// `polmon serve [--addr 127.0.0.1:8080]`
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "POLMON_ADDR", default_value = "127.0.0.1:8080")]
    pub(crate) addr: SocketAddr,
}

pub(crate) fn run(data: &Path, args: Args) -> anyhow::Result<ExitCode> {
    let pipeline = Pipeline::open(data).with_context(|| format!("opening the data folder {}", data.display()))?;
    serve(Arc::new(pipeline), args.addr)?;
    Ok(ExitCode::SUCCESS)
}

/// Serves until Ctrl-C, printing the URL once listening.
pub(crate) fn serve(pipeline: Arc<Pipeline>, addr: SocketAddr) -> anyhow::Result<()> {
    let articles = pipeline.store().count()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        let state = polmon_web::AppState { pipeline };
        polmon_web::serve(state, addr, |bound| {
            println!("Politics Monitor: {articles} articles, serving on http://{bound}/");
        })
        .await
        .with_context(|| format!("serving on {addr}"))
    })
}
