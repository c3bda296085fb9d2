use clap::Parser;

use atelier::app::{Application, command_line_state};
use atelier::config::{Cli, Command, OrganizerCommand, TokenCommand};
use atelier::domain::Role;
use atelier::operations::{Actor, accounts};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    atelier::logs::init(&cli.config.log);
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
            let state = command_line_state(&cli.config).await?;
            let role = if admin { Role::Admin } else { Role::Organizer };
            let result = accounts::add_organizer(&state, &Actor::CommandLine, &email, &name, &password, role).await;
            state.store.close().await;
            let organizer = result?;
            println!("Organizer {} created ({}).", organizer.email, organizer.role.code());
            Ok(())
        }
        Command::Token(TokenCommand::Create { organizer, label }) => {
            let state = command_line_state(&cli.config).await?;
            let result = accounts::create_api_token(&state, &Actor::CommandLine, &organizer, &label).await;
            state.store.close().await;
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
