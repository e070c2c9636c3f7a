//! The one error type of mapping files: every problem names the file and the dotted key, so a
//! contributor can fix a mapping without reading the generator.

/// An error in a mapping file: which file, which key, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingError {
    /// File the error is in.
    pub file: String,
    /// Dotted key, e.g. `auth.name`; empty when the whole file is at fault.
    pub key: String,
    /// What is wrong.
    pub message: String,
}

impl MappingError {
    /// An error about `key` in `file`.
    pub fn new(file: &str, key: &str, message: impl Into<String>) -> MappingError {
        MappingError { file: file.to_string(), key: key.to_string(), message: message.into() }
    }
}

impl std::fmt::Display for MappingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.key.is_empty() {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}: key `{}`: {}", self.file, self.key, self.message)
        }
    }
}
