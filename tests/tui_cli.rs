//! `onboard [HIRES.csv]`, `onboard tui [HIRES.csv]` and `onboard demo [HIRES.csv]` parse as
//! docs/contract.md §1 says, with the connection options; without a terminal they refuse (exit 2).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use clap::Parser;
use onboard::cli::{Cli, Command};
use std::path::PathBuf;

#[test]
fn bare_onboard_with_a_file_opens_the_tui() {
    let cli =
        Cli::try_parse_from(["onboard", "hires.csv", "--api-url", "http://127.0.0.1:9"]).unwrap();
    assert!(cli.command.is_none());
    assert_eq!(cli.tui.file, Some(PathBuf::from("hires.csv")));
    assert_eq!(
        cli.tui.connect.api_url.as_deref(),
        Some("http://127.0.0.1:9")
    );
    let cli = Cli::try_parse_from(["onboard"]).unwrap();
    assert!(cli.command.is_none() && cli.tui.file.is_none());
}

#[test]
fn tui_and_demo_subcommands() {
    let cli = Cli::try_parse_from(["onboard", "tui", "x.csv", "--profile", "acme"]).unwrap();
    match cli.command {
        Some(Command::Tui(a)) => {
            assert_eq!(a.file, Some(PathBuf::from("x.csv")));
            assert_eq!(a.connect.profile.as_deref(), Some("acme"));
        }
        other => panic!("{other:?}"),
    }
    let cli = Cli::try_parse_from(["onboard", "demo"]).unwrap();
    match cli.command {
        Some(Command::Demo(a)) => {
            assert_eq!(a.file, None);
            assert_eq!(a.faults, onboard::cli::demo::DEMO_FAULTS);
        }
        other => panic!("{other:?}"),
    }
    // Other subcommands still parse as themselves.
    let cli = Cli::try_parse_from(["onboard", "sim"]).unwrap();
    assert!(matches!(cli.command, Some(Command::Sim(_))));
}

#[test]
fn without_a_terminal_the_tui_refuses_with_exit_2() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_onboard"))
        .args(["demo"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("needs a terminal"), "{err}");
    assert!(out.stdout.is_empty(), "nothing on stdout");
}
