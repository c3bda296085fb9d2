use clap::Parser;

use atelier::app::{Application, command_line_state};
use atelier::config::{Cli, Command, OrganizerCommand, TokenCommand};
use atelier::domain::{AccountUpdate, Role};
use atelier::operations::{Actor, account_lifecycle as lifecycle, accounts, queries};
use atelier::state::AppState;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    atelier::logs::init(&cli.config.log, cli.config.log_format);
    let command = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let app = Application::build(&cli.config).await?;
            return app.run_until(shutdown_signal()).await;
        }
        other => other,
    };
    let state = command_line_state(&cli.config).await?;
    let result = run(&state, command).await;
    state.store.close().await;
    println!("{}", result?);
    Ok(())
}

/// Runs an account or token command; what to print.
async fn run(state: &AppState, command: Command) -> anyhow::Result<String> {
    let actor = &Actor::CommandLine;
    Ok(match command {
        Command::Serve => String::new(),
        Command::Organizer(OrganizerCommand::Add { email, name, admin }) => {
            let password = password()?;
            let role = if admin { Role::Admin } else { Role::Organizer };
            let organizer = accounts::add_organizer(state, actor, &email, &name, &password, role).await?;
            format!("Organizer {} created ({}).", organizer.email, organizer.role.code())
        }
        Command::Organizer(OrganizerCommand::Disable { email }) => {
            let organizer = lifecycle::organizer_by_email(state, &email).await?;
            lifecycle::update_account(state, actor, organizer.id, AccountUpdate::Disabled(true)).await?;
            format!("Organizer {} disabled: signed out, API tokens revoked.", organizer.email)
        }
        Command::Organizer(OrganizerCommand::Enable { email }) => {
            let organizer = lifecycle::organizer_by_email(state, &email).await?;
            lifecycle::update_account(state, actor, organizer.id, AccountUpdate::Disabled(false)).await?;
            format!("Organizer {} enabled.", organizer.email)
        }
        Command::Organizer(OrganizerCommand::SetPassword { email }) => {
            let organizer = lifecycle::organizer_by_email(state, &email).await?;
            lifecycle::set_password(state, actor, organizer.id, &password()?).await?;
            format!("Password of {} set; its sessions are closed.", organizer.email)
        }
        Command::Organizer(OrganizerCommand::ResetLink { email }) => {
            let organizer = lifecycle::organizer_by_email(state, &email).await?;
            lifecycle::create_reset_link(state, actor, organizer.id).await?
        }
        Command::Token(TokenCommand::Create { organizer, label, expires_in_days }) => {
            let owner = lifecycle::organizer_by_email(state, &organizer).await?;
            let token = lifecycle::create_api_token(state, actor, &owner, &label, expires_in_days).await?;
            token.as_str().to_owned()
        }
        Command::Token(TokenCommand::List { organizer }) => {
            let owner = lifecycle::organizer_by_email(state, &organizer).await?;
            let tokens = lifecycle::api_tokens(state, actor, owner.id).await?;
            let now = state.clock.now();
            let mut lines = vec!["id\tprefix\tlabel\tcreated\tlast used\texpires\tstatus".to_owned()];
            let day = |at: Option<chrono::DateTime<chrono::Utc>>| at.map(|at| at.to_rfc3339()).unwrap_or("-".into());
            lines.extend(tokens.iter().map(|t| {
                let (created, used, expires) = (t.created_at.to_rfc3339(), day(t.last_used_at), day(t.expires_at));
                format!("{}\t{}\t{}\t{created}\t{used}\t{expires}\t{}", t.id, t.prefix, t.label, t.status(now).code())
            }));
            lines.join("\n")
        }
        Command::Backup { path } => {
            let copy = queries::backup(state, &path).await?;
            format!(
                "Backup written to {}: {} events, {} registrations, {} KiB; SQLite's integrity check passed.",
                path.display(),
                copy.events,
                copy.registrations,
                copy.bytes.div_ceil(1024)
            )
        }
        Command::Token(TokenCommand::Revoke { id }) => {
            let token = lifecycle::revoke_api_token(state, actor, id).await?;
            format!("Token {} revoked.", token.id)
        }
    })
}

/// A new password: ATELIER_PASSWORD, or asked twice on the terminal.
fn password() -> anyhow::Result<String> {
    if let Ok(password) = std::env::var("ATELIER_PASSWORD") {
        return Ok(password);
    }
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
