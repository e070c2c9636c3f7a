//! The tools of a generation, by name.

use crate::provider::ToolDefinition;

use super::Tool;

/// The tools of a generation, by the name the model calls them.
#[derive(Debug, Clone, Default)]
pub struct ToolSet {
    tools: Vec<(String, Tool)>,
}

impl ToolSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a tool.
    pub fn with(mut self, name: impl Into<String>, tool: impl Into<Tool>) -> Self {
        self.insert(name, tool);
        self
    }

    /// Adds (or replaces) a tool.
    pub fn insert(&mut self, name: impl Into<String>, tool: impl Into<Tool>) {
        let name = name.into();
        let tool = tool.into();
        match self.tools.iter_mut().find(|(existing, _)| *existing == name) {
            Some(entry) => entry.1 = tool,
            None => self.tools.push((name, tool)),
        }
    }

    /// The tool of that name.
    pub fn get(&self, name: &str) -> Option<&Tool> {
        self.tools.iter().find(|(existing, _)| existing == name).map(|(_, tool)| tool)
    }

    /// Whether there are no tools.
    pub fn is_empty(&self) -> bool {
        self.tools.is_empty()
    }

    /// The number of tools.
    pub fn len(&self) -> usize {
        self.tools.len()
    }

    /// The tools' names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.tools.iter().map(|(name, _)| name.as_str())
    }

    /// The names and tools, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Tool)> {
        self.tools.iter().map(|(name, tool)| (name.as_str(), tool))
    }

    /// The definitions sent to the model: all tools, or only the active ones.
    pub(crate) fn definitions(&self, active_tools: Option<&[String]>) -> Vec<ToolDefinition> {
        self.tools
            .iter()
            .filter(|(name, _)| is_active(active_tools, name))
            .map(|(name, tool)| tool.definition(name))
            .collect()
    }
}

pub(super) fn is_active(active_tools: Option<&[String]>, name: &str) -> bool {
    active_tools.is_none_or(|active| active.iter().any(|active| active == name))
}

impl<N: Into<String>, T: Into<Tool>> FromIterator<(N, T)> for ToolSet {
    fn from_iter<Items: IntoIterator<Item = (N, T)>>(items: Items) -> Self {
        let mut set = ToolSet::new();
        items.into_iter().for_each(|(name, tool)| set.insert(name, tool));
        set
    }
}

impl<N: Into<String>, T: Into<Tool>, const COUNT: usize> From<[(N, T); COUNT]> for ToolSet {
    fn from(items: [(N, T); COUNT]) -> Self {
        items.into_iter().collect()
    }
}
