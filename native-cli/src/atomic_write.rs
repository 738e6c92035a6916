//! Writing files atomically, and never over anything that is not a regular file.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, SystemTime};

/// Writes `contents` to `path` atomically: a temporary file in the same folder
/// (`.<name>.tmp-<random>`), flushed, then renamed over the target, so a reader never sees
/// half a file. An existing target must be a regular file: a FIFO, a device (`/dev/full`), a
/// symbolic link or a folder is refused, never replaced. The file gets the target's
/// permissions when it exists, else those of a file created the usual way (see
/// [`set_usual_mode`]), not the temporary file's owner-only ones. Temporary files of an
/// earlier write that was killed are removed once they are an hour old (see
/// [`remove_stale_temporaries`]).
pub fn write_atomic(path: &Path, contents: &str) -> anyhow::Result<()> {
    write_atomic_with(path, |out| out.write_all(contents.as_bytes()))
}

/// [`write_atomic`] of what `write` writes, buffered, as it writes it: a plan of 100,000
/// machines never sits in memory whole.
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    refuse_special(path)?;
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| anyhow::anyhow!("{}: not a file name", path.display()))?;
    remove_stale_temporaries(folder, SystemTime::now());
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{}{TEMP_MARK}", name.to_string_lossy()))
        .rand_bytes(TEMP_RANDOM_CHARS)
        .tempfile_in(folder)
        .map_err(|e| anyhow::anyhow!("cannot create a file in {}: {e}", folder.display()))?;
    let mut buffered = std::io::BufWriter::new(temp.as_file_mut());
    write(&mut buffered)
        .and_then(|()| buffered.flush())
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    drop(buffered);
    set_usual_mode(temp.path(), path)
        .map_err(|e| anyhow::anyhow!("cannot set the permissions of {}: {e}", path.display()))?;
    temp.as_file()
        .sync_all()
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    temp.persist(path)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {}", path.display(), e.error))?;
    Ok(())
}

/// What marks llmcap's temporary files: `.<final name>.tmp-<random>`.
const TEMP_MARK: &str = ".tmp-";

/// Random characters at the end of a temporary file's name (letters and digits).
const TEMP_RANDOM_CHARS: usize = 6;

/// Age after which a temporary file of llmcap's own is left over from a killed write: a
/// write takes well under a second.
const STALE_AFTER: Duration = Duration::from_secs(3600);

/// Refuses an existing `path` that is not a regular file (a symbolic link is not followed).
/// Checked before writing: a rename would replace it, and `/dev/full` would become a file.
fn refuse_special(path: &Path) -> anyhow::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_file() => Ok(()),
        Ok(meta) => anyhow::bail!(
            "{}: is {}, not a regular file; llmcap writes only regular files, so choose \
             another path",
            path.display(),
            kind_of(&meta.file_type())
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => anyhow::bail!("cannot check {}: {e}", path.display()),
    }
}

/// What a file that is not a regular one is, for an error: "a folder", "a FIFO", ...
///
/// # Platform-specific behaviour
///
/// FIFOs, devices and sockets are told apart on Unix; elsewhere they are "a special file".
pub fn kind_of(file_type: &fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO (named pipe)";
        } else if file_type.is_char_device() {
            return "a character device";
        } else if file_type.is_block_device() {
            return "a block device";
        } else if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a folder"
    } else if file_type.is_symlink() {
        "a symbolic link"
    } else if file_type.is_file() {
        "a regular file"
    } else {
        "a special file"
    }
}

/// True for a name that [`write_atomic`] gives its temporary files.
fn is_temporary_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix('.') else {
        return false;
    };
    let Some((stem, random)) = rest.rsplit_once(TEMP_MARK) else {
        return false;
    };
    !stem.is_empty()
        && random.len() == TEMP_RANDOM_CHARS
        && random.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Removes, from `folder`, regular files named as [`write_atomic`]'s temporary files that
/// were last written more than [`STALE_AFTER`] before `now`: what a write killed before its
/// rename (SIGKILL, power loss) left behind. Anything else, and any failure, is left alone.
fn remove_stale_temporaries(folder: &Path, now: SystemTime) {
    let Ok(entries) = fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !name.to_str().is_some_and(is_temporary_name) {
            continue;
        }
        let stale = entry.metadata().is_ok_and(|m| {
            m.is_file()
                && m.modified()
                    .ok()
                    .and_then(|t| now.duration_since(t).ok())
                    .is_some_and(|age| age > STALE_AFTER)
        });
        if stale {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Gives `temp` the permissions of `target` when it exists, else `rw-r--r--`, which is what
/// the guide's script gets under the usual umask: reports are read by other users' tools.
///
/// # Platform-specific behaviour
///
/// On Unix, sets the mode bits; elsewhere, does nothing (files are created readable there).
#[cfg(unix)]
fn set_usual_mode(temp: &Path, target: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(target).map_or(0o644, |m| m.permissions().mode() & 0o7777);
    fs::set_permissions(temp, fs::Permissions::from_mode(mode))
}

/// See the Unix version.
#[cfg(not(unix))]
fn set_usual_mode(_temp: &Path, _target: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_whole_files_and_leaves_no_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("r.json");
        write_atomic(&target, "first").unwrap();
        write_atomic(&target, "second").unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "second");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn written_files_are_readable_by_others_or_keep_their_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("r.json");
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        write_atomic(&target, "first").unwrap();
        assert_eq!(mode(&target), 0o644);
        fs::set_permissions(&target, fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&target, "second").unwrap();
        assert_eq!(mode(&target), 0o640, "an existing file keeps its mode");
    }

    #[test]
    fn write_into_a_missing_folder_is_an_error_not_a_panic() {
        let err = write_atomic(Path::new("/nonexistent-llmcap/x/r.json"), "x").unwrap_err();
        assert!(err.to_string().contains("/nonexistent-llmcap/x"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn special_files_symlinks_and_folders_are_refused_and_left_as_they_are() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo.json");
        nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o644)).unwrap();
        let folder = dir.path().join("folder.json");
        fs::create_dir(&folder).unwrap();
        let target = dir.path().join("target.json");
        fs::write(&target, "kept").unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        for (path, kind) in [
            (&fifo, "a FIFO"),
            (&folder, "a folder"),
            (&link, "a symbolic link"),
        ] {
            let err = write_atomic(path, "new").unwrap_err().to_string();
            assert!(err.contains(kind), "{err}");
            assert!(err.contains("not a regular file"), "{err}");
        }
        use std::os::unix::fs::FileTypeExt;
        assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
        assert!(fs::symlink_metadata(&folder).unwrap().is_dir());
        assert!(fs::symlink_metadata(&link).unwrap().is_symlink());
        assert_eq!(fs::read_to_string(&target).unwrap(), "kept");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            4,
            "no temporaries"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_device_is_refused() {
        let err = write_atomic(Path::new("/dev/full"), "x").unwrap_err();
        assert!(err.to_string().contains("a character device"), "{err}");
        use std::os::unix::fs::FileTypeExt;
        assert!(
            fs::symlink_metadata("/dev/full")
                .unwrap()
                .file_type()
                .is_char_device()
        );
    }

    #[test]
    fn temporary_names_are_recognisable() {
        assert!(is_temporary_name(".distributed_plan.json.tmp-Ab12cD"));
        for name in [
            "distributed_plan.json.tmp-Ab12cD",
            ".tmp-Ab12cD",
            ".r.json.tmp-Ab12c",
            ".r.json.tmp-Ab1.cD",
            ".r.json",
            ".tmpAb12cD",
        ] {
            assert!(!is_temporary_name(name), "{name}");
        }
    }

    #[test]
    fn stale_temporaries_of_llmcap_are_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let two_hours_ago = SystemTime::now() - Duration::from_secs(7200);
        let make = |name: &str, old: bool| {
            let file = fs::File::create(dir.path().join(name)).unwrap();
            if old {
                file.set_modified(two_hours_ago).unwrap();
            }
        };
        make(".r.json.tmp-AAAAAA", true);
        make(".other.yml.tmp-BBBBBB", true);
        make(".r.json.tmp-CCCCCC", false);
        make(".notes.tmp-x", true);
        make("r.json.tmp-DDDDDD", true);
        write_atomic(&dir.path().join("r.json"), "x").unwrap();
        let mut names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                ".notes.tmp-x",
                ".r.json.tmp-CCCCCC",
                "r.json",
                "r.json.tmp-DDDDDD"
            ]
        );
    }
}
