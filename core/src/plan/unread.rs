//! Files a caller could not read, added to a plan as if their bytes had been given: the page
//! does not read a file larger than a report can be, yet its plan must equal `llmcap plan`'s.

use super::merge::skipped_warning;
use super::output::{Plan, Rejected};

impl Plan {
    /// Adds files that were not read to [`Plan::rejected`] (in file-name order) and counts them
    /// in the warning, giving the plan [`plan_files`](super::plan_files) makes when it is given
    /// their bytes. `unread` holds each file's base name and error text.
    pub fn add_unread(&mut self, unread: Vec<Rejected>) {
        if unread.is_empty() {
            return;
        }
        let had_rejected = !self.rejected.is_empty();
        self.rejected.extend(unread);
        // Stable: among files of one name, those read keep their order (by content) first.
        self.rejected.sort_by(|a, b| a.file.cmp(&b.file));
        let files =
            self.machines.len() + self.duplicates.len() + self.replaced.len() + self.rejected.len();
        let warning = skipped_warning(self.rejected.len(), files);
        match self.warnings.first_mut() {
            Some(first) if had_rejected => *first = warning,
            _ => self.warnings.insert(0, warning),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::plan::{PlanOptions, ReportFile, plan_files, plan_json};
    use crate::report::{MAX_REPORT_BYTES, ReportError};

    const EPYC: &[u8] = include_bytes!("../../../tests/fixtures/seed-reports/epyc-2core.json");

    #[test]
    fn an_unread_file_gives_the_plan_its_bytes_would() {
        let huge = vec![b' '; MAX_REPORT_BYTES as usize + 7];
        let good = ReportFile {
            name: "b.json",
            bytes: EPYC,
        };
        let bad = ReportFile {
            name: "c.json",
            bytes: b"nope",
        };
        let big = ReportFile {
            name: "a-huge.json",
            bytes: &huge,
        };
        let unread = || super::Rejected {
            file: "a-huge.json".into(),
            error: ReportError::TooLarge {
                file: "a-huge.json".into(),
                size: huge.len() as u64,
                limit: MAX_REPORT_BYTES,
            }
            .to_string(),
        };
        let options = PlanOptions::default();
        for read in [vec![good], vec![good, bad]] {
            let mut with_bytes = read.clone();
            with_bytes.push(big);
            let expected = plan_files(&with_bytes, &options);
            let mut added = plan_files(&read, &options);
            added.add_unread(vec![unread()]);
            assert_eq!(plan_json(&added), plan_json(&expected));
        }
    }
}
