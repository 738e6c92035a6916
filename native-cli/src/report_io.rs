//! Reading report files and writing reports atomically.

use llmcap_core::plan::ReportFile;
use llmcap_core::report::{
    BUNDLE_SNIFF_BYTES, MAX_BUNDLE_BYTES, MAX_REPORT_BYTES, Report, worth_reading,
};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The longest report file name, bytes: the 255 that Linux, macOS and Windows file systems
/// all take, less what the atomic write's temporary name adds (`.` before, `.tmp-` and six
/// random characters after).
const MAX_FILE_NAME_BYTES: usize = 255 - 12;

/// The report's file name: `capability_report_<host>.json`. Host names are validated to
/// letters, digits, `-`, `_` and `.` without `..`, so this never leaves its folder.
///
/// A host name too long for a file name (a `--hostname` of up to 253 characters, or fewer
/// characters of several bytes each) is cut to fit, and 16 hex digits of its SHA-256 are
/// added, so that every valid host name gives a distinct file name that fits, temporary
/// name included.
pub fn report_file_name(report: &Report) -> String {
    file_name_for(report.hostname.as_str())
}

fn file_name_for(host: &str) -> String {
    const PREFIX: &str = "capability_report_";
    const SUFFIX: &str = ".json";
    let whole = format!("{PREFIX}{host}{SUFFIX}");
    if whole.len() <= MAX_FILE_NAME_BYTES {
        return whole;
    }
    let digest = sha2::Sha256::digest(host.as_bytes());
    let hash: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    let room = MAX_FILE_NAME_BYTES - PREFIX.len() - SUFFIX.len() - hash.len() - 1;
    let cut = host
        .char_indices()
        .map(|(i, c)| i + c.len_utf8())
        .take_while(|end| *end <= room)
        .last()
        .unwrap_or(0);
    format!("{PREFIX}{}-{hash}{SUFFIX}", &host[..cut])
}

pub use crate::atomic_write::{write_atomic, write_atomic_with};
use sha2::Digest;

/// Checks that `json`, a report to be saved as `name`, is one that `llmcap plan` reads: the
/// same reading and validation of the whole file, size limit included. The probe asks this
/// before it writes or prints a report, so that it never hands on one that llmcap rejects.
pub fn check_readable(name: &str, json: &str) -> anyhow::Result<()> {
    let file = ReportFile::new(name, json.as_bytes());
    match file.reports().into_iter().next().map(|read| read.report) {
        Some(Ok(_)) => Ok(()),
        Some(Err(error)) => anyhow::bail!(
            "the report built for this machine is one llmcap would not read, so it was not \
             written: {error}"
        ),
        None => anyhow::bail!("the report built for this machine is empty; it was not written"),
    }
}

/// Pretty JSON with a final newline.
pub fn to_json<T: serde::Serialize>(value: &T) -> anyhow::Result<String> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    Ok(text)
}

/// A file's contents and its full size, or the I/O error that kept it from being read.
pub type Contents = Result<(Vec<u8>, u64), String>;

/// One input file: its name and contents, or why it could not be read.
#[derive(Debug)]
pub struct InputFile {
    /// The file's name without folders: what errors and plans call it.
    pub name: String,
    /// Its contents (empty when it was not read: see [`read_limited`]) and its full size, or
    /// the I/O error that kept it from being read.
    pub contents: Contents,
    /// Which file it is, when it could be opened: to refuse writing over an input.
    pub id: Option<FileId>,
}

/// Which file a path leads to, whatever path names it (links, `./`, `..`).
///
/// # Platform-specific behaviour
///
/// On Unix, the device and inode numbers; elsewhere, the canonical path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileId(#[cfg(unix)] (u64, u64), #[cfg(not(unix))] PathBuf);

impl FileId {
    /// The file at `path`, when it exists.
    pub fn of(path: &Path) -> Option<FileId> {
        fs::metadata(path)
            .ok()
            .and_then(|meta| FileId::from_metadata(&meta, path))
    }

    /// The file these metadata describe (`path` names it).
    #[cfg(unix)]
    fn from_metadata(meta: &fs::Metadata, _path: &Path) -> Option<FileId> {
        use std::os::unix::fs::MetadataExt;
        Some(FileId((meta.dev(), meta.ino())))
    }

    /// See the Unix version.
    #[cfg(not(unix))]
    fn from_metadata(_meta: &fs::Metadata, path: &Path) -> Option<FileId> {
        fs::canonicalize(path).ok().map(FileId)
    }
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
/// Paths that do not exist, and anything that is not a regular file (a FIFO would block the
/// read forever, a device would never end), are returned as errors, one line each, as are
/// the `*.json` entries of a folder that are no regular file: FIFOs, folders, dangling
/// symbolic links and link loops.
pub fn read_inputs(paths: &[PathBuf]) -> (Vec<InputFile>, Vec<String>) {
    let (files, errors) = list_inputs(paths);
    (files.iter().map(|path| read_input(path)).collect(), errors)
}

/// The files `paths` lead to, as [`read_inputs`] finds them, sorted by name, unread; and an
/// error line for each path that leads to no regular file.
pub fn list_inputs(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<String>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => list_folder(path, &mut files, &mut errors),
            Ok(meta) if meta.is_file() => files.push(path.clone()),
            Ok(meta) => errors.push(not_a_file(path, &meta)),
            Err(e) => errors.push(unreachable_path(path, &e)),
        }
    }
    // Each name computed once: computed in the comparison, the names of 100,000 files
    // were made some three million times.
    files.sort_by_cached_key(|path| (file_name(path), path.clone()));
    files.dedup();
    (files, errors)
}

/// Reads one listed file (see [`read_limited`]).
pub fn read_input(path: &Path) -> InputFile {
    let name = file_name(path);
    let (id, contents) = read_limited(path, &name);
    InputFile { name, contents, id }
}

/// What was made of a report (see [`parse_inputs`]) with the name it goes by (`file`, or
/// `file#n` in a bundle), or why it is none.
pub type Named<T> = (String, Result<T, String>);

/// A file read and parsed, its bytes already dropped: what planning many files keeps.
#[derive(Debug)]
pub struct ParsedFile<T> {
    /// The file's name without folders.
    pub name: String,
    /// Which file it is, when it could be opened.
    pub id: Option<FileId>,
    /// What was made of each of its reports, with the names they go by (see
    /// [`InputFile::reports`]), or the I/O error that kept it from being read.
    pub reports: Result<Vec<Named<T>>, String>,
}

/// Reads and parses `paths` on every core, in their order, and makes what the caller keeps
/// of each valid report (`make`, given its name) there too. Each file's bytes and reports
/// are dropped as soon as that is made, so memory holds what is kept: planning 100,000
/// files otherwise held every file's text, and then every report, at once.
pub fn parse_inputs<T: Send>(
    paths: &[PathBuf],
    make: impl Fn(&str, Report) -> T + Sync,
) -> Vec<ParsedFile<T>> {
    use rayon::prelude::*;
    paths
        .par_iter()
        .map(|path| {
            let input = read_input(path);
            let reports = match &input.contents {
                Ok(_) => Ok(input
                    .reports()
                    .into_iter()
                    .map(|(name, report)| {
                        let made = report.map(|r| make(&name, r));
                        (name, made)
                    })
                    .collect()),
                Err(error) => Err(error.clone()),
            };
            ParsedFile {
                name: input.name,
                id: input.id,
                reports,
            }
        })
        .collect()
}

/// Adds a folder's `*.json` regular files (after links) to `files`, and a line to `errors` for
/// each `*.json` entry that is something else.
fn list_folder(folder: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<String>) {
    let entries = match fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(format!("{}: cannot list the folder: {e}", folder.display()));
            return;
        }
    };
    let before = files.len();
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let is_json = path
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("json"));
        let not_report = path
            .file_name()
            .is_some_and(|n| NOT_REPORTS.iter().any(|x| n == *x));
        if !is_json || not_report {
            continue;
        }
        // The entry's own type comes with the listing on most file systems: a plain file
        // needs no `stat` of its own (dropping 100,000 of them cut the system time of
        // planning 100,000 files from about 2.4 s to 1.6 s, docs/benchmarks.md). Links, and
        // entries whose type the listing leaves out, are followed.
        if entry.file_type().is_ok_and(|t| t.is_file()) {
            files.push(path);
            continue;
        }
        match fs::metadata(&path) {
            Ok(meta) if meta.is_file() => files.push(path),
            Ok(meta) => errors.push(not_a_file(&path, &meta)),
            Err(e) => errors.push(unreachable_path(&path, &e)),
        }
    }
    if files.len() == before {
        errors.push(format!(
            "{}: no *.json files in this folder",
            folder.display()
        ));
    }
}

/// The error line for a path that leads to something other than a file or folder.
fn not_a_file(path: &Path, meta: &fs::Metadata) -> String {
    format!(
        "{}: is {}, not a report file; skipped",
        path.display(),
        crate::atomic_write::kind_of(&meta.file_type())
    )
}

/// The error line for a path that leads nowhere: missing, a dangling link, a link loop.
fn unreachable_path(path: &Path, error: &std::io::Error) -> String {
    let is_link = fs::symlink_metadata(path).is_ok_and(|m| m.is_symlink());
    match (is_link, error.kind()) {
        (false, std::io::ErrorKind::NotFound) => {
            format!("{}: no such file or folder", path.display())
        }
        (true, std::io::ErrorKind::NotFound) => format!(
            "{}: is a dangling symbolic link (its target does not exist); skipped",
            path.display()
        ),
        (true, _) => format!(
            "{}: is a symbolic link that cannot be followed ({error}); skipped",
            path.display()
        ),
        (false, _) => format!("{}: cannot read: {error}; skipped", path.display()),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Reads a file, unless it is larger than a report and its start says it is no bundle of
/// reports, or it is larger than a bundle can be ([`worth_reading`]): then only its size.
fn read_limited(path: &Path, name: &str) -> (Option<FileId>, Contents) {
    let io_error = |e: std::io::Error| format!("{name}: cannot read the file: {e}");
    let file = match open_without_blocking(path) {
        Ok(file) => file,
        Err(e) => return (None, Err(io_error(e))),
    };
    let meta = match file.metadata() {
        Ok(meta) => meta,
        Err(e) => return (None, Err(io_error(e))),
    };
    // Checked again on the open file: the path may have been replaced since it was listed.
    if !meta.is_file() {
        let kind = crate::atomic_write::kind_of(&meta.file_type());
        return (None, Err(format!("{name}: is {kind}, not a report file")));
    }
    (
        FileId::from_metadata(&meta, path),
        read_contents(file, meta.len()).map_err(io_error),
    )
}

/// Opens `path` for reading without waiting for a writer, should it have become a FIFO since
/// its type was checked.
///
/// # Platform-specific behaviour
///
/// On Unix, with `O_NONBLOCK` (which changes nothing for a regular file); elsewhere, plainly.
#[cfg(unix)]
fn open_without_blocking(path: &Path) -> std::io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .read(true)
        .custom_flags(nix::fcntl::OFlag::O_NONBLOCK.bits())
        .open(path)
}

/// See the Unix version.
#[cfg(not(unix))]
fn open_without_blocking(path: &Path) -> std::io::Result<fs::File> {
    fs::File::open(path)
}

/// Reads an open file of `size` bytes as [`read_limited`] says.
///
/// It reads the `size` bytes the file had when it was opened, and no more: reading on to
/// the end of the file cost one more `read` call per file (100,000 of them when planning
/// that many files). A file whose size reads 0, as the kernel's own files do, is read to
/// its end.
fn read_contents(file: fs::File, size: u64) -> std::io::Result<(Vec<u8>, u64)> {
    let limit = match size {
        0 => MAX_BUNDLE_BYTES + 1,
        _ => size.min(MAX_BUNDLE_BYTES + 1),
    };
    let mut reader = file.take(limit);
    let mut bytes = Vec::new();
    if size > MAX_REPORT_BYTES {
        Read::by_ref(&mut reader)
            .take(BUNDLE_SNIFF_BYTES as u64)
            .read_to_end(&mut bytes)?;
        if !worth_reading(size, &bytes) {
            return Ok((Vec::new(), size));
        }
    }
    bytes.reserve(size.min(MAX_BUNDLE_BYTES) as usize);
    reader.read_to_end(&mut bytes)?;
    let size = size.max(bytes.len() as u64);
    Ok((bytes, size))
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn only_a_report_llmcap_reads_passes_the_check() {
        let good = include_str!("../../tests/fixtures/seed-reports/epyc-2core.json");
        assert!(check_readable("r.json", good).is_ok());
        let bad = good.replacen("\"cpu_count\": 2", "\"cpu_count\": 0", 1);
        assert_ne!(bad, good);
        let error = check_readable("r.json", &bad).unwrap_err().to_string();
        assert!(
            error.ends_with(
                "r.json: field `system.cpu_count` is 0, expected a whole number from 1 to 65536"
            ),
            "{error}"
        );
        let huge = good.replacen('{', &format!("{{\"x\": \"{}\",", "x".repeat(1 << 20)), 1);
        let error = check_readable("r.json", &huge).unwrap_err().to_string();
        assert!(error.contains("too large"), "{error}");
    }

    #[test]
    fn every_valid_host_name_gives_a_distinct_file_name_that_fits() {
        assert_eq!(file_name_for("vm"), "capability_report_vm.json");
        let longest = "a".repeat(253);
        let near = format!("{}b", "a".repeat(252));
        let unicode = "é".repeat(200);
        let names: Vec<String> = [longest.as_str(), near.as_str(), unicode.as_str()]
            .iter()
            .map(|h| {
                assert!(llmcap_core::report::Hostname::parse(h).is_ok());
                file_name_for(h)
            })
            .collect();
        for name in &names {
            assert!(name.len() <= MAX_FILE_NAME_BYTES, "{} bytes", name.len());
            assert!(name.starts_with("capability_report_") && name.ends_with(".json"));
        }
        assert_ne!(names[0], names[1], "same prefix, different names");
        // A name that fits is never shortened, up to the last byte.
        let fits = "h".repeat(MAX_FILE_NAME_BYTES - "capability_report_.json".len());
        assert_eq!(file_name_for(&fits).len(), MAX_FILE_NAME_BYTES);
        assert!(file_name_for(&fits).contains(&fits));
    }
}
