//! File output shared by every stage: atomic writes (temp file in the same folder, then
//! rename), so an interrupted run never leaves a half-written file under the final name.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Errors writing output files, naming the path.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("cannot create folder {path}")]
    CreateDir { path: PathBuf, source: std::io::Error },
    #[error("cannot write {path}")]
    Write { path: PathBuf, source: std::io::Error },
}

/// The folder a file goes in: its parent, or `.` for a bare file name.
fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Writes `bytes` to `path` atomically, creating the parent folder if needed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    write_atomic_with(path, |out| out.write_all(bytes))
}

/// Serialises `value` as pretty JSON with a trailing newline, straight into `path` (atomically):
/// a large plan or snapshot is never held in memory as text.
pub fn write_json_atomic<T: serde::Serialize>(path: &Path, value: &T) -> Result<(), WriteError> {
    write_atomic_with(path, |out| {
        serde_json::to_writer_pretty(&mut *out, value).map_err(std::io::Error::from)?;
        out.write_all(b"\n")
    })
}

/// Writes `path` atomically with what `fill` writes to a buffered writer, creating the parent
/// folder if needed. If `fill` fails, the file under `path` is left as it was.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), WriteError> {
    let parent = folder_of(path);
    ensure_dir(&parent)?;
    let wrap = |source| WriteError::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".acctsplit-")
        .tempfile_in(&parent)
        .map_err(wrap)?;
    {
        let mut out = std::io::BufWriter::with_capacity(1 << 16, tmp.as_file_mut());
        fill(&mut out).map_err(wrap)?;
        out.flush().map_err(wrap)?;
    }
    // Temporary files are private (0600); an output file is an ordinary file, readable like
    // any other the user creates.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(wrap)?;
    }
    tmp.as_file().sync_all().map_err(wrap)?;
    tmp.persist(path).map_err(|e| wrap(e.error))?;
    Ok(())
}

/// Checks, before any long work, that `path` can be written: its folder exists or can be
/// created, and a file can be created in it. Leaves nothing behind but the folder.
pub fn check_writable(path: &Path) -> Result<(), WriteError> {
    let wrap = |source| WriteError::Write {
        path: path.to_path_buf(),
        source,
    };
    if path.is_dir() {
        return Err(wrap(std::io::Error::new(
            std::io::ErrorKind::IsADirectory,
            "it is a folder; give a file name",
        )));
    }
    let parent = folder_of(path);
    ensure_dir(&parent)?;
    tempfile::Builder::new()
        .prefix(".acctsplit-check-")
        .tempfile_in(&parent)
        .map(drop)
        .map_err(wrap)
}

/// Creates a folder and its parents.
pub fn ensure_dir(path: &Path) -> Result<(), WriteError> {
    std::fs::create_dir_all(path).map_err(|source| WriteError::CreateDir {
        path: path.to_path_buf(),
        source,
    })
}

/// Serialises a value as pretty JSON with a trailing newline: what [`write_json_atomic`] writes,
/// for tests that compare outputs.
#[cfg(test)]
pub(crate) fn to_json_bytes<T: serde::Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).expect("model types always serialise");
    bytes.push(b'\n');
    bytes
}

/// The current time as RFC 3339 (UTC, whole seconds). `SOURCE_DATE_EPOCH`, when set, pins it,
/// so that reproducible outputs (the committed sample reports) do not change with the clock.
pub fn now_rfc3339() -> String {
    let now = match std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
    {
        Some(secs) => time::OffsetDateTime::from_unix_timestamp(secs).unwrap_or(time::OffsetDateTime::UNIX_EPOCH),
        None => time::OffsetDateTime::now_utc(),
    };
    now.replace_nanosecond(0)
        .unwrap_or(now)
        .format(&time::format_description::well_known::Rfc3339)
        .expect("RFC 3339 formatting of a UTC time cannot fail")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_atomic_replaces_content_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/out.json");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path().join("sub"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("out.json")]);
    }

    #[cfg(unix)]
    #[test]
    fn written_files_are_readable_by_others_like_any_output_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        write_atomic(&path, b"x").unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o644);
    }

    #[test]
    fn streamed_json_is_the_same_bytes_as_to_json_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v.json");
        let value = serde_json::json!({"b": [1, 2], "a": {"x": "y"}});
        write_json_atomic(&path, &value).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), to_json_bytes(&value));
    }

    #[test]
    fn a_failed_fill_keeps_the_old_file_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        write_atomic(&path, b"old").unwrap();
        let err = write_atomic_with(&path, |out| {
            out.write_all(b"half")?;
            Err(std::io::Error::other("disk full"))
        })
        .unwrap_err();
        assert!(err.to_string().contains("out.csv"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn write_atomic_names_the_path_when_the_folder_cannot_be_created() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, b"x").unwrap();
        let err = write_atomic(&blocker.join("out.json"), b"x").unwrap_err();
        assert!(err.to_string().contains("file"), "{err}");
    }
}
