//! What auditors run on a run's output: `comply report` (the HTML page
//! of a JSON report), `comply keygen` (a minisign key pair for `--sign`)
//! and `comply verify` (is an evidence directory exactly what the signed
//! run wrote?).

use std::path::PathBuf;

use clap::Args;

use super::CliError;
use crate::exit_code;
use crate::report::signing;
use crate::report::verify::{self, VerifyError};

#[derive(Args, Debug)]
pub(super) struct ReportArgs {
    /// A JSON report (`--json`, or report.json of a run directory).
    #[arg(value_name = "RUN.json")]
    input: PathBuf,
    /// The HTML file to write.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: PathBuf,
}

#[derive(Args, Debug)]
pub(super) struct KeygenArgs {
    /// Write the secret key to PREFIX.key (mode 0600, unencrypted) and the
    /// public key to PREFIX.pub.
    #[arg(short = 'o', long = "output", value_name = "PREFIX")]
    prefix: PathBuf,
}

#[derive(Args, Debug)]
pub(super) struct VerifyArgs {
    /// An evidence directory written with --sign.
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    /// The minisign public key of the signer (PREFIX.pub).
    #[arg(long, value_name = "PUB")]
    key: PathBuf,
}

pub(super) fn report(args: ReportArgs) -> Result<i32, CliError> {
    if crate::report::identity(&args.input) == crate::report::identity(&args.output) {
        return Err(CliError::Usage(format!(
            "`{}` is both the report read and the page written: give -o another file",
            args.output.display()
        )));
    }
    let document = crate::report::json::read(&args.input)?;
    super::run::check_writable(&args.output)?;
    super::run::write_report(
        &args.output,
        crate::report::html::render(&document).as_bytes(),
    )?;
    Ok(exit_code::OK)
}

pub(super) fn keygen(args: KeygenArgs) -> Result<i32, CliError> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let (secret, public) = signing::generate().map_err(CliError::Environment)?;
    let with = |extension: &str| {
        let mut path = args.prefix.clone().into_os_string();
        path.push(extension);
        PathBuf::from(path)
    };
    let (secret_path, public_path) = (with(".key"), with(".pub"));
    if let Some(existing) = [&secret_path, &public_path]
        .into_iter()
        .find(|path| path.symlink_metadata().is_ok())
    {
        return Err(CliError::Usage(format!(
            "`{}` exists: comply keygen never replaces a key (every signature made with it would lose its proof); give another prefix",
            existing.display()
        )));
    }
    // Never over an existing key: losing one loses every signature's proof.
    for (path, text, mode) in [(&secret_path, secret, 0o600), (&public_path, public, 0o644)] {
        let written = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(path)
            .and_then(|mut file| {
                file.write_all(text.as_bytes())?;
                file.sync_all()
            });
        written.map_err(|source| CliError::Write {
            path: path.clone(),
            source,
        })?;
    }
    crate::outln!(
        "secret key {} (keep it private; it signs with --sign)\npublic key {} (give it to auditors: comply verify DIR --key, or minisign -V -p)",
        secret_path.display(),
        public_path.display()
    );
    Ok(exit_code::OK)
}

pub(super) fn verify(args: VerifyArgs) -> Result<i32, CliError> {
    let key = signing::read_public_key(&args.key).map_err(CliError::Usage)?;
    match verify::verify(&args.dir, &key) {
        Ok(verified) => {
            crate::outln!(
                "verified {}: {} files match the signed MANIFEST.sha256 (key {})\nsigned: {}",
                args.dir.display(),
                verified.files,
                verified.key_id,
                verified.trusted_comment
            );
            Ok(exit_code::OK)
        }
        Err(VerifyError::Unusable(why)) => Err(CliError::Usage(why)),
        Err(VerifyError::Signature(why)) => {
            super::print_error(&CliError::Usage(format!("{}: {why}", args.dir.display())));
            Ok(exit_code::FAILURES)
        }
        Err(VerifyError::Differences(differences)) => {
            for difference in &differences {
                super::print_error(&CliError::Usage(format!(
                    "{}: {difference}",
                    args.dir.display()
                )));
            }
            Ok(exit_code::FAILURES)
        }
    }
}
