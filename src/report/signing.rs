//! Signatures over an evidence manifest, in minisign's format (ed25519,
//! `MANIFEST.sha256.minisig`), so an auditor can check them with the
//! `minisign` tool as well as with `comply verify`. Keys are minisign keys:
//! `comply keygen` makes an unencrypted pair (a timer-driven run has no one
//! to type a password), and a password-protected key from `minisign -G`
//! signs when `COMPLY_KEY_PASSWORD` holds its password.

use std::path::Path;

use minisign::{KeyPair, PublicKey, PublicKeyBox, SecretKey, SecretKeyBox, SignatureBox};

/// The environment variable that unlocks a password-protected secret key.
pub const PASSWORD_VARIABLE: &str = "COMPLY_KEY_PASSWORD";

/// The signature's file name next to the manifest.
pub const SIGNATURE_FILE: &str = "MANIFEST.sha256.minisig";

/// minisign's 8-byte key id, as its tools print it.
pub fn key_id(keynum: &[u8]) -> String {
    keynum
        .iter()
        .rev()
        .map(|byte| format!("{byte:02X}"))
        .collect()
}

fn read_text(path: &Path, what: &str) -> Result<String, String> {
    std::fs::read_to_string(path)
        .map_err(|error| format!("cannot read {what} `{}`: {error}", path.display()))
}

/// Whether `text` is a minisign public key (two lines, the second the key).
fn public_key_of(text: &str) -> Option<PublicKey> {
    PublicKeyBox::from_string(text).ok()?.into_public_key().ok()
}

/// A secret key, read and unlocked before anything runs.
pub struct SigningKey {
    secret: SecretKey,
    public: PublicKey,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKey({})", key_id(self.public.keynum()))
    }
}

impl SigningKey {
    pub fn read(path: &Path) -> Result<SigningKey, String> {
        let shown = path.display();
        let text = read_text(path, "secret key")?;
        if public_key_of(&text).is_some() {
            return Err(format!(
                "`{shown}` is a minisign public key; --sign expects the secret key (`comply keygen` writes both)"
            ));
        }
        let secret = match read_secret_key(&text) {
            SecretKeyFile::Unencrypted(secret) => secret,
            SecretKeyFile::Encrypted => {
                let password = std::env::var(PASSWORD_VARIABLE).map_err(|_| {
                    format!(
                        "`{shown}` is a password-protected minisign key: set {PASSWORD_VARIABLE} to its password"
                    )
                })?;
                SecretKeyBox::from_string(&text)
                    .and_then(|key| key.into_secret_key(Some(password)))
                    .map_err(|error| {
                        format!("cannot unlock `{shown}` with {PASSWORD_VARIABLE}: {error}")
                    })?
            }
            SecretKeyFile::Invalid(error) => {
                return Err(format!(
                    "`{shown}` is not a minisign secret key (expected two lines: a comment and the base64 key): {error}"
                ));
            }
        };
        let public =
            PublicKey::from_secret_key(&secret).map_err(|error| format!("`{shown}`: {error}"))?;
        let key = SigningKey { secret, public };
        // Signing happens after the run (and its remediations): a key that
        // cannot sign must be refused now, not then.
        let probe = key
            .sign(b"comply", "comply key check")
            .map_err(|error| format!("`{shown}` cannot sign: {error}"))?;
        check(&key.public, &probe, b"comply").map_err(|_| {
            format!("`{shown}` makes signatures its own public key does not verify: a damaged key")
        })?;
        Ok(key)
    }

    pub fn id(&self) -> String {
        key_id(self.public.keynum())
    }

    /// The `.minisig` text for `data`. The trusted comment is signed too:
    /// it carries the run's facts, one line.
    pub fn sign(&self, data: &[u8], trusted_comment: &str) -> Result<String, String> {
        let comment: String = trusted_comment
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        minisign::sign(
            Some(&self.public),
            &self.secret,
            data,
            Some(&comment),
            Some(&format!("signature from comply, key {}", self.id())),
        )
        .map(|signature| signature.into_string())
        .map_err(|error| format!("cannot sign: {error}"))
    }
}

/// How a secret key file reads without a password.
enum SecretKeyFile {
    Unencrypted(SecretKey),
    /// Uses minisign's password KDF.
    Encrypted,
    Invalid(String),
}

fn read_secret_key(text: &str) -> SecretKeyFile {
    use ct_codecs::{Base64, Decoder};
    // sig_alg, kdf_alg, chk_alg, salt, opslimit, memlimit, then keynum, sk
    // and the checksum.
    const KDF_ALG: std::ops::Range<usize> = 2..4;
    const CHECKSUM_BYTES: usize = 32;
    let decoded = text
        .lines()
        .nth(1)
        .and_then(|line| Base64::decode_to_vec(line.trim(), None).ok());
    let Some(bytes) = decoded.filter(|bytes| bytes.len() > KDF_ALG.end + CHECKSUM_BYTES) else {
        return SecretKeyFile::Invalid("its second line is not a base64 secret key".to_owned());
    };
    match &bytes[KDF_ALG] {
        b"Sc" => return SecretKeyFile::Encrypted,
        [0, 0] => {}
        other => {
            return SecretKeyFile::Invalid(format!("unknown key derivation `{other:?}`"));
        }
    }
    match SecretKeyBox::from_string(text).and_then(|key| key.into_unencrypted_secret_key()) {
        Ok(secret) => SecretKeyFile::Unencrypted(secret),
        // minisign 0.11's `-W` (Debian 12's `minisign -G -W`) leaves an
        // unencrypted key's checksum zero, which the crate takes for
        // corruption: such a key is accepted as what it is.
        Err(error) => {
            let zero_checksum = bytes[bytes.len() - CHECKSUM_BYTES..]
                .iter()
                .all(|&b| b == 0);
            match SecretKey::from_bytes(&bytes) {
                Ok(secret) if zero_checksum => SecretKeyFile::Unencrypted(secret),
                _ => SecretKeyFile::Invalid(error.to_string()),
            }
        }
    }
}

/// A public key file, refusing a secret key with a clear word.
pub fn read_public_key(path: &Path) -> Result<PublicKey, String> {
    let text = read_text(path, "public key")?;
    public_key_of(&text).ok_or_else(|| {
        if !matches!(read_secret_key(&text), SecretKeyFile::Invalid(_)) {
            format!(
                "`{}` is a secret key; --key expects the public key (the .pub file)",
                path.display()
            )
        } else {
            format!(
                "`{}` is not a minisign public key (expected two lines: a comment and a 56-character base64 key)",
                path.display()
            )
        }
    })
}

/// Why a signature does not vouch for a manifest.
#[derive(Debug)]
pub enum SignatureProblem {
    /// The signature file or key is not usable: bad input (exit 2).
    Unusable(String),
    /// A valid signature, but not over these bytes: the manifest changed.
    Mismatch(String),
}

/// Checks a `.minisig` text over `data` with `key`; the signed trusted
/// comment on success.
pub fn check(key: &PublicKey, signature: &str, data: &[u8]) -> Result<String, SignatureProblem> {
    let signature = SignatureBox::from_string(signature).map_err(|error| {
        SignatureProblem::Unusable(format!(
            "{SIGNATURE_FILE} is not a minisign signature: {error}"
        ))
    })?;
    if signature.keynum() != key.keynum() {
        return Err(SignatureProblem::Unusable(format!(
            "{SIGNATURE_FILE} was made with key {}, and the given public key is {}",
            key_id(signature.keynum()),
            key_id(key.keynum())
        )));
    }
    minisign::verify(
        key,
        &signature,
        std::io::Cursor::new(data),
        true,
        false,
        false,
    )
    .map_err(|error| {
        SignatureProblem::Mismatch(match error.to_string().as_str() {
            "Comment signature verification failed" => {
                "the signature's trusted comment was changed after signing".to_owned()
            }
            "Legacy signatures are not accepted" => {
                "the signature is in minisign's legacy format, which comply does not accept"
                    .to_owned()
            }
            _ => format!(
                "MANIFEST.sha256 does not match its signature ({error}): it changed after signing"
            ),
        })
    })?;
    signature
        .trusted_comment()
        .map_err(|error| SignatureProblem::Unusable(error.to_string()))
}

/// The start time a comply signature's trusted comment names (`started
/// …`), unauthenticated: only for saying which run a signature that did
/// not verify belongs to.
pub fn signed_start(signature: &str) -> Option<String> {
    let comment = SignatureBox::from_string(signature)
        .ok()?
        .trusted_comment()
        .ok()?;
    let mut words = comment.split(' ');
    words.find(|word| *word == "started")?;
    words.next().map(str::to_owned)
}

/// A new unencrypted key pair, as minisign writes them.
pub fn generate() -> Result<(String, String), String> {
    let pair = KeyPair::generate_unencrypted_keypair().map_err(|error| error.to_string())?;
    let id = key_id(pair.pk.keynum());
    let secret = pair
        .sk
        .to_box(Some(&format!(
            "minisign secret key {id}, made by comply keygen"
        )))
        .map_err(|error| error.to_string())?
        .into_string();
    let public = pair
        .pk
        .to_box()
        .map_err(|error| error.to_string())?
        .into_string();
    Ok((secret, public))
}
