//! Generated temporary passwords (`--passwords FILE`): a strong password from the OS RNG
//! for each created user, written only to the passwords file, before the create is sent.

use std::io::Write;
use std::path::Path;

/// Where generated passwords go: one `email,password` line per created user, mode 0600,
/// fsync per line. Never anywhere else.
pub struct PasswordSink {
    file: std::fs::File,
}

impl PasswordSink {
    pub fn open(path: &Path) -> std::io::Result<PasswordSink> {
        let mut opts = std::fs::OpenOptions::new();
        opts.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let file = opts.open(path)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
        Ok(PasswordSink { file })
    }

    pub fn write(&mut self, email: &str, password: &str) -> std::io::Result<()> {
        // A CSV like every other onboard writes: a cell that starts like a formula gets a
        // leading `'` (passwords never start like one: see `generate_password`).
        let (email, password) = (
            crate::ingest::escape_cell(email),
            crate::ingest::escape_cell(password),
        );
        writeln!(self.file, "{email},{password}")?;
        self.file.sync_data()
    }
}

/// A strong temporary password from the OS RNG: 20 characters over letters, digits and
/// symbols, with at least one of each class.
pub fn generate_password() -> Result<String, getrandom::Error> {
    const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const DIGIT: &[u8] = b"23456789";
    const SYMBOL: &[u8] = b"!#%+-=?@^_";
    // Uniform picks by rejection sampling over OS random bytes.
    let mut pool = [0u8; 256];
    getrandom::fill(&mut pool)?;
    let mut next = pool.into_iter();
    let mut pick = |n: usize| -> Result<usize, getrandom::Error> {
        let limit = 256 - 256 % n;
        loop {
            let b = match next.next() {
                Some(b) => b,
                None => {
                    getrandom::fill(&mut pool)?;
                    next = pool.into_iter();
                    continue;
                }
            };
            if usize::from(b) < limit {
                return Ok(usize::from(b) % n);
            }
        }
    };
    let all: Vec<u8> = [LOWER, UPPER, DIGIT, SYMBOL].concat();
    let mut out = Vec::with_capacity(20);
    for set in [LOWER, UPPER, DIGIT, SYMBOL] {
        out.push(set[pick(set.len())?]);
    }
    while out.len() < 20 {
        out.push(all[pick(all.len())?]);
    }
    // Shuffle so the class order is not fixed.
    for i in (1..out.len()).rev() {
        let j = pick(i + 1)?;
        out.swap(i, j);
    }
    // Never a symbol first: `+`, `-`, `=` or `@` there would make the passwords file's cell
    // look like a formula, and its escape (a leading `'`) would be copied with the password.
    if let Some(k) = out.iter().position(u8::is_ascii_alphanumeric) {
        out.swap(0, k);
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_strong_and_different() {
        let a = generate_password().unwrap();
        let b = generate_password().unwrap();
        assert_eq!(a.chars().count(), 20);
        assert_ne!(a, b);
        assert!(a.chars().any(|c| c.is_ascii_lowercase()));
        assert!(a.chars().any(|c| c.is_ascii_uppercase()));
        assert!(a.chars().any(|c| c.is_ascii_digit()));
        assert!(a.chars().any(|c| !c.is_ascii_alphanumeric()));
        for _ in 0..200 {
            let p = generate_password().unwrap();
            assert!(p.starts_with(|c: char| c.is_ascii_alphanumeric()), "{p}");
        }
    }
}
