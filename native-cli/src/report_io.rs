//! Reading report files and writing reports atomically.

use llmcap_core::plan::ReportFile;
use llmcap_core::report::{
    BUNDLE_SNIFF_BYTES, MAX_BUNDLE_BYTES, MAX_REPORT_BYTES, Report, worth_reading,
};
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The report's file name: `capability_report_<host>.json`. Host names are validated to
/// letters, digits, `-`, `_` and `.` without `..`, so this never leaves its folder.
pub fn report_file_name(report: &Report) -> String {
    format!("capability_report_{}.json", report.hostname)
}

/// Pretty JSON with a final newline.
pub fn to_json<T: serde::Serialize>(value: &T) -> anyhow::Result<String> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    Ok(text)
}

/// Writes `contents` to `path` atomically: a temporary file in the same folder, flushed, then
/// renamed over the target, so a reader never sees half a file. The file gets the target's
/// permissions when it exists, else those of a file created the usual way (see
/// [`set_usual_mode`]), not the temporary file's owner-only ones.
pub fn write_atomic(path: &Path, contents: &str) -> anyhow::Result<()> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut temp = tempfile::NamedTempFile::new_in(folder)
        .map_err(|e| anyhow::anyhow!("cannot create a file in {}: {e}", folder.display()))?;
    temp.write_all(contents.as_bytes())?;
    set_usual_mode(temp.path(), path)
        .map_err(|e| anyhow::anyhow!("cannot set the permissions of {}: {e}", path.display()))?;
    temp.as_file().sync_all()?;
    temp.persist(path)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {}", path.display(), e.error))?;
    Ok(())
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

/// One input file: its name and contents, or why it could not be read.
#[derive(Debug)]
pub struct InputFile {
    /// The file's name without folders: what errors and plans call it.
    pub name: String,
    /// Its contents (empty when it was not read: see [`read_limited`]) and its full size, or
    /// the I/O error that kept it from being read.
    pub contents: Result<(Vec<u8>, u64), String>,
}

impl InputFile {
    /// The file as the planner reads it, or the I/O error that kept it from being read.
    pub fn report_file(&self) -> Result<ReportFile<'_>, &str> {
        match &self.contents {
            Ok((bytes, size)) => Ok(ReportFile {
                name: &self.name,
                bytes,
                size: *size,
            }),
            Err(error) => Err(error),
        }
    }

    /// Every report in the file (one, or each of a bundle's) with the name it goes by, or
    /// why it is not a report.
    pub fn reports(&self) -> Vec<(String, Result<Report, String>)> {
        match self.report_file() {
            Ok(file) => file
                .reports()
                .into_iter()
                .map(|r| (r.name.into_owned(), r.report.map_err(|e| e.to_string())))
                .collect(),
            Err(error) => vec![(self.name.clone(), Err(error.to_owned()))],
        }
    }
}

/// Files that `llmcap plan` writes, often into the reports folder itself (as the guide's
/// `distribute_workload.py` does), that a folder's `*.json` leaves out: they are no reports.
/// Named on the command line, they are read like any file.
const NOT_REPORTS: &[&str] = &["distributed_plan.json"];

/// Expands files and folders (a folder gives its `*.json` files) into input files sorted by
/// name, reading each one. A file larger than a report is read only when it is a bundle of
/// reports (see [`read_limited`]).
/// Paths that do not exist are returned as errors.
pub fn read_inputs(paths: &[PathBuf]) -> (Vec<InputFile>, Vec<String>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.is_dir() {
            match fs::read_dir(path) {
                Ok(entries) => {
                    let mut found: Vec<PathBuf> = entries
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|p| {
                            p.is_file()
                                && p.extension()
                                    .is_some_and(|x| x.eq_ignore_ascii_case("json"))
                                && !p
                                    .file_name()
                                    .is_some_and(|n| NOT_REPORTS.iter().any(|x| n == *x))
                        })
                        .collect();
                    if found.is_empty() {
                        errors.push(format!(
                            "{}: no *.json files in this folder",
                            path.display()
                        ));
                    }
                    files.append(&mut found);
                }
                Err(e) => errors.push(format!("{}: cannot list the folder: {e}", path.display())),
            }
        } else if path.exists() {
            files.push(path.clone());
        } else {
            errors.push(format!("{}: no such file or folder", path.display()));
        }
    }
    files.sort_by(|a, b| file_name(a).cmp(&file_name(b)).then_with(|| a.cmp(b)));
    files.dedup();
    let inputs = files
        .into_iter()
        .map(|path| {
            let name = file_name(&path);
            let contents = read_limited(&path, &name);
            InputFile { name, contents }
        })
        .collect();
    (inputs, errors)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Reads a file, unless it is larger than a report and its start says it is no bundle of
/// reports, or it is larger than a bundle can be ([`worth_reading`]): then only its size.
fn read_limited(path: &Path, name: &str) -> Result<(Vec<u8>, u64), String> {
    let io_error = |e: std::io::Error| format!("{name}: cannot read the file: {e}");
    let file = fs::File::open(path).map_err(io_error)?;
    let size = file.metadata().map_err(io_error)?.len();
    let mut reader = file.take(MAX_BUNDLE_BYTES + 1);
    let mut bytes = Vec::new();
    if size > MAX_REPORT_BYTES {
        Read::by_ref(&mut reader)
            .take(BUNDLE_SNIFF_BYTES as u64)
            .read_to_end(&mut bytes)
            .map_err(io_error)?;
        if !worth_reading(size, &bytes) {
            return Ok((Vec::new(), size));
        }
    }
    bytes.reserve(size.min(MAX_BUNDLE_BYTES) as usize);
    reader.read_to_end(&mut bytes).map_err(io_error)?;
    let size = size.max(bytes.len() as u64);
    Ok((bytes, size))
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

    #[test]
    fn folders_expand_to_sorted_json_files_and_big_files_are_not_read() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("b.json"), "{}").unwrap();
        fs::write(dir.path().join("a.JSON"), "{}").unwrap();
        fs::write(dir.path().join("notes.txt"), "x").unwrap();
        fs::write(dir.path().join("distributed_plan.json"), "{}").unwrap();
        let big = fs::File::create(dir.path().join("c.json")).unwrap();
        big.set_len(50 * 1024 * 1024).unwrap();
        let missing = dir.path().join("missing.json");
        let (inputs, errors) = read_inputs(&[dir.path().to_path_buf(), missing]);
        let names: Vec<&str> = inputs.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["a.JSON", "b.json", "c.json"]);
        let (bytes, size) = inputs[2].contents.as_ref().unwrap();
        assert!(bytes.is_empty(), "a 50 MB file is not read");
        assert_eq!(*size, 50 * 1024 * 1024);
        let reports = inputs[2].reports();
        assert_eq!(reports.len(), 1);
        assert_eq!(reports[0].0, "c.json");
        let error = reports[0].1.as_ref().unwrap_err();
        assert_eq!(
            error,
            "c.json: too large (52428800 bytes); a bundle of reports can be at most 33554432 bytes"
        );
        assert_eq!(errors.len(), 1);
        assert!(errors[0].contains("no such file"), "{errors:?}");
    }

    #[test]
    fn a_file_larger_than_a_report_is_read_only_when_it_starts_as_a_bundle() {
        let dir = tempfile::tempdir().unwrap();
        let padding = " ".repeat(2 * 1024 * 1024);
        fs::write(
            dir.path().join("bundle.json"),
            format!("{{\n  \"llmcap_bundle\": 1,{padding}\"reports\": []}}"),
        )
        .unwrap();
        fs::write(
            dir.path().join("log.json"),
            format!("{{\"lines\": [],{padding}\"llmcap_bundle\": 1}}"),
        )
        .unwrap();
        let (inputs, _) = read_inputs(&[dir.path().to_path_buf()]);
        let (bundle, size) = inputs[0].contents.as_ref().unwrap();
        assert_eq!(bundle.len() as u64, *size, "read whole");
        let (log, size) = inputs[1].contents.as_ref().unwrap();
        assert!(log.is_empty(), "its start names no bundle: not read");
        assert!(*size > 2 * 1024 * 1024);
        let error = inputs[1].reports()[0].1.clone().unwrap_err();
        assert!(
            error.ends_with("a report can be at most 1048576 bytes"),
            "{error}"
        );
    }
}
