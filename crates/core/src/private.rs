//! The account's files are its user's alone: folders 0700, files 0600 on Unix.
//!
//! School computers are shared, so a mailbox must not be readable by the next local user.
//! Folders and files are created private, and [`restrict_tree`] repairs folders made by older
//! versions (0755 / 0644) when an account opens. SQLite gives its `-wal` and `-shm` files the
//! mode of the database file, so creating that file 0600 first covers them too.
//!
//! On Windows the per-user data folder (`%APPDATA%`, under the user's profile) is already
//! readable by that user (and administrators) only, and what is created inside inherits its
//! access list: nothing more to do there, so these functions only create.

use std::fs::OpenOptions;
use std::io;
use std::path::Path;

/// Mode of folders on Unix: the user only.
#[cfg(unix)]
pub const DIR_MODE: u32 = 0o700;
/// Mode of files on Unix: the user only, no execution.
#[cfg(unix)]
pub const FILE_MODE: u32 = 0o600;

/// Creates `dir` and its missing parents, private; makes `dir` itself private if it existed.
pub fn create_dir(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, DIR_MODE);
    builder.create(dir)?;
    restrict(dir)
}

/// Makes `options` create files private (Unix; the inherited access list elsewhere).
pub fn file_mode(options: &mut OpenOptions) {
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(options, FILE_MODE);
    #[cfg(not(unix))]
    let _ = options;
}

/// Writes `bytes` to a new or truncated private file.
pub fn write_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write as _;
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    file_mode(&mut options);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    // The mode only applies to a file created now: repair one that existed.
    restrict(path)
}

/// Replaces `path` with a private file holding `bytes`, through a temporary file beside it
/// (`<name>.tmp`) and a rename: a full disk or a crash never leaves half a file.
pub fn replace_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = path.with_extension("tmp");
    write_file(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// Makes one folder (0700) or file (0600) private; symbolic links are left alone.
pub fn restrict(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let meta = std::fs::symlink_metadata(path)?;
        let wanted = if meta.is_dir() {
            DIR_MODE
        } else if meta.is_file() {
            FILE_MODE
        } else {
            return Ok(());
        };
        if meta.permissions().mode() & 0o7777 != wanted {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(wanted))?;
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Makes `root` and everything under it private (folders 0700, files 0600), without following
/// symbolic links. Repairs what older versions created readable by everyone.
pub fn restrict_tree(root: &Path) -> io::Result<()> {
    restrict(root)?;
    if !std::fs::symlink_metadata(root)?.is_dir() {
        return Ok(());
    }
    for entry in std::fs::read_dir(root)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            restrict_tree(&entry.path())?;
        } else {
            restrict(&entry.path())?;
        }
    }
    Ok(())
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use std::os::unix::fs::PermissionsExt as _;

    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn folders_and_files_are_created_private() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("a/b");
        create_dir(&dir).unwrap();
        write_file(&dir.join("f"), b"x").unwrap();
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&root.path().join("a")), 0o700);
        assert_eq!(mode(&dir.join("f")), 0o600);
    }

    #[test]
    fn a_tree_made_readable_by_everyone_is_repaired() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("acct/attachments");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.pdf"), b"x").unwrap();
        for (p, m) in [
            (root.path().join("acct"), 0o755),
            (dir.clone(), 0o755),
            (dir.join("a.pdf"), 0o644),
        ] {
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(m)).unwrap();
        }

        restrict_tree(&root.path().join("acct")).unwrap();

        assert_eq!(mode(&root.path().join("acct")), 0o700);
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join("a.pdf")), 0o600);
    }
}
