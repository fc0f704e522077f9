//! `idrift-cloud-emulator`: serves the Microsoft cloud emulator on `127.0.0.1:<port>` for manual runs.
//! (The cloud read benchmark lives with the client it measures: `idrift-cloud`'s `cloud_bench` example.)

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use idrift_cloud_emulator::{Emulator, EmulatorConfig};

#[derive(Parser)]
#[command(
    name = "idrift-cloud-emulator",
    about = "A stateful Microsoft cloud emulator for IdentityDrift"
)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the emulator until the process is stopped; prints one JSON line with its URLs.
    Serve {
        /// Port on 127.0.0.1 (0: any free port).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Generated users to seed.
        #[arg(long, default_value_t = 0)]
        users: usize,
        /// The client secret the token endpoint accepts.
        #[arg(long)]
        client_secret: Option<String>,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    match args.command {
        Command::Serve {
            port,
            users,
            client_secret,
        } => {
            let mut config = EmulatorConfig::default();
            if let Some(s) = client_secret {
                config.client_secret = Some(s);
            }
            let emulator = Emulator::start_on(config.clone(), port)
                .await
                .context("starting the emulator")?;
            emulator.seed_users(users);
            let line = serde_json::json!({
                "uri": emulator.uri(),
                "authority_url": emulator.authority_url(),
                "graph_url": emulator.graph_url(),
                "exo_url": emulator.exo_url(),
                "tenant": config.tenant_domain,
                "tenant_id": config.tenant_id,
                "client_id": config.client_id,
                "users": users,
            });
            #[expect(
                clippy::print_stdout,
                reason = "the serve command announces its URLs on stdout"
            )]
            {
                println!("{line}");
            }
            std::future::pending::<()>().await;
            Ok(())
        }
    }
}
