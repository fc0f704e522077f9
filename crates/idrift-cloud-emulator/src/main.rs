//! `idrift-cloud-emulator`: serves the Microsoft cloud emulator on `127.0.0.1:<port>` for manual runs.
//! (The cloud read benchmark lives with the client it measures: `idrift-cloud`'s `cloud_bench` example.)

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use idrift_cloud_emulator::{Emulator, EmulatorConfig, Fault, FaultRule, RetryAfter};

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
        /// Throttle the first request whose path and query contain PATH: HTTP 429 with `Retry-After:
        /// SECONDS` (repeatable), e.g. `skiptoken=2` for the second page of a paged read.
        #[arg(long, value_name = "PATH=SECONDS", value_parser = throttle_rule)]
        throttle: Vec<FaultRule>,
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
            throttle,
        } => {
            let mut config = EmulatorConfig::default();
            if let Some(s) = client_secret {
                config.client_secret = Some(s);
            }
            let emulator = Emulator::start_on(config.clone(), port)
                .await
                .context("starting the emulator")?;
            emulator.seed_users(users);
            for rule in throttle {
                emulator.inject(rule);
            }
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

/// `PATH=SECONDS`: one 429 with `Retry-After: SECONDS` for the first request whose path contains PATH.
fn throttle_rule(text: &str) -> Result<FaultRule, String> {
    let (path, seconds) = text
        .rsplit_once('=')
        .ok_or_else(|| format!("{text:?}: expected PATH=SECONDS"))?;
    let seconds: u64 = seconds
        .parse()
        .map_err(|_| format!("{text:?}: SECONDS must be a whole number"))?;
    if path.is_empty() {
        return Err(format!("{text:?}: PATH is empty"));
    }
    Ok(FaultRule::new(
        Fault::Throttle(RetryAfter::Seconds(seconds)),
        path,
        1,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttle_rules_parse() {
        let r = throttle_rule("skiptoken=2").unwrap();
        assert_eq!(r.fault, Fault::Throttle(RetryAfter::Seconds(2)));
        assert_eq!((r.path_contains.as_str(), r.times), ("skiptoken", 1));
        assert!(throttle_rule("skiptoken").is_err());
        assert!(throttle_rule("=2").is_err());
        assert!(throttle_rule("a=x").is_err());
    }
}
