//! Files a command writes must never be the file it reads, nor each other: `--passwords`
//! equal to the hire list would append passwords to it, `--report` equal to it would
//! overwrite it. Paths are compared after resolving links and `..`, and by inode where the
//! file exists (a hard link is the same file).

use std::path::{Path, PathBuf};

/// `(what, path)` pairs; the first is the input. Err names the two that collide.
pub fn check_distinct(files: &[(&str, &Path)]) -> Result<(), String> {
    for (i, (a_what, a)) in files.iter().enumerate() {
        for (b_what, b) in &files[i + 1..] {
            if same_file(a, b) {
                return Err(format!(
                    "{b_what} ({}) is the same file as {a_what}; choose a different path so that nothing is overwritten",
                    b.display()
                ));
            }
        }
    }
    Ok(())
}

/// Whether two paths name one file (existing or not yet).
pub fn same_file(a: &Path, b: &Path) -> bool {
    if let (Ok(ma), Ok(mb)) = (std::fs::metadata(a), std::fs::metadata(b)) {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            if ma.dev() == mb.dev() && ma.ino() == mb.ino() {
                return true;
            }
        }
        #[cfg(not(unix))]
        let _ = (ma, mb);
    }
    resolve(a) == resolve(b)
}

/// The absolute, link-free form of a path whose file may not exist yet (its folder is
/// resolved, its name kept).
fn resolve(p: &Path) -> PathBuf {
    if let Ok(c) = std::fs::canonicalize(p) {
        return c;
    }
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    match (abs.parent(), abs.file_name()) {
        (Some(dir), Some(name)) => std::fs::canonicalize(dir)
            .unwrap_or_else(|_| dir.to_path_buf())
            .join(name),
        _ => abs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_file_by_another_name_collides() {
        let dir = tempfile::tempdir().unwrap();
        let list = dir.path().join("hires.csv");
        std::fs::write(&list, "email\n").unwrap();
        let dotted = dir.path().join("sub/../hires.csv");
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let linked = dir.path().join("hard.csv");
        std::fs::hard_link(&list, &linked).unwrap();
        let other = dir.path().join("report.json");
        assert!(same_file(&list, &dotted));
        assert!(same_file(&list, &linked));
        assert!(!same_file(&list, &other));
        let err = check_distinct(&[("the hire list", &list), ("--report", &dotted)]).unwrap_err();
        assert!(err.contains("--report"), "{err}");
        assert!(check_distinct(&[("the hire list", &list), ("--report", &other)]).is_ok());
        // Two outputs that do not exist yet still collide with each other.
        let a = dir.path().join("out.txt");
        assert!(
            check_distinct(&[
                ("the hire list", &list),
                ("--passwords", &a),
                ("--report", &a)
            ])
            .is_err()
        );
    }
}
