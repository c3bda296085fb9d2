use clap::Parser;
use tracing_subscriber::EnvFilter;

use atelier::accounts;
use atelier::app::Application;
use atelier::config::{Cli, Command, OrganizerCommand, TokenCommand};
use atelier::domain::Role;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_new(&cli.config.log).unwrap_or_else(|_| EnvFilter::new("info")))
        // Logs on stderr: stdout carries command output (a new API token).
        .with_writer(std::io::stderr)
        // Colours only for a person at a terminal, not in files and journals.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let app = Application::build(&cli.config).await?;
            app.run_until(shutdown_signal()).await
        }
        Command::Organizer(OrganizerCommand::Add { email, name, admin }) => {
            let password = match std::env::var("ATELIER_PASSWORD") {
                Ok(password) => password,
                Err(_) => ask_password()?,
            };
            let store = atelier::store::connect(&cli.config.database_url).await?;
            let role = if admin { Role::Admin } else { Role::Organizer };
            let result = accounts::add_organizer(&*store, &email, &name, &password, role).await;
            store.close().await;
            let organizer = result?;
            println!("Organizer {} created ({}).", organizer.email, organizer.role.code());
            Ok(())
        }
        Command::Token(TokenCommand::Create { organizer, label }) => {
            let store = atelier::store::connect(&cli.config.database_url).await?;
            let result = accounts::create_api_token(&*store, &organizer, &label).await;
            store.close().await;
            println!("{}", result?.as_str());
            Ok(())
        }
    }
}

fn ask_password() -> anyhow::Result<String> {
    let password = rpassword::prompt_password("Password: ")?;
    let again = rpassword::prompt_password("Password again: ")?;
    anyhow::ensure!(password == again, "the passwords differ");
    Ok(password)
}

/// Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down");
}
