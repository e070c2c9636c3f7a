//! The log of what generation changed on the way (pruning, the normalization passes, the output
//! rewrites), in pass order, committed beside the output so that a spec or generator update
//! shows as a reviewable diff. Its own module because prune, normalize and generate all write it.

use crate::versions::Versions;

/// What the passes changed, in pass order.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Log {
    entries: Vec<(String, Vec<String>)>,
}

impl Log {
    /// Records a change made by `pass`.
    pub fn change(&mut self, pass: &str, message: impl Into<String>) {
        self.section(pass).push(message.into());
    }

    /// Starts (or continues) the section of `pass`, so passes without changes are listed too.
    pub(crate) fn section(&mut self, pass: &str) -> &mut Vec<String> {
        if self.entries.last().is_none_or(|(name, _)| name != pass) {
            self.entries.push((pass.to_string(), Vec::new()));
        }
        &mut self.entries.last_mut().expect("just pushed").1
    }

    /// Changes recorded by one pass.
    pub fn changes(&self, pass: &str) -> Vec<String> {
        self.entries.iter().filter(|(name, _)| name == pass).flat_map(|(_, c)| c.clone()).collect()
    }

    /// Renders the log as committed beside the output, naming the generator that wrote it.
    pub fn render(&self, title: &str, versions: &Versions) -> String {
        let mut out = format!(
            "# {title}\n# Generator: {versions}.\n# Passes ran in this order; each line below a pass is one change it made.\n"
        );
        for (pass, changes) in &self.entries {
            out.push_str(&format!("\n## {pass} ({} changes)\n", changes.len()));
            for change in changes {
                out.push_str(change);
                out.push('\n');
            }
        }
        out
    }
}
