//! The spanned YAML node tree the mapping file is read into.

use std::fmt;

/// A position in a file: 1-based line and 1-based column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Pos {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

impl Pos {
    /// A position from 1-based line and column.
    pub const fn new(line: u32, column: u32) -> Self {
        Self { line, column }
    }
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// How a scalar was written. Only plain scalars are subject to YAML 1.1 type resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarStyle {
    /// Unquoted.
    Plain,
    /// `'single'` or `"double"` quoted.
    Quoted,
    /// A `|` or `>` block scalar.
    Block,
}

/// A scalar with its text exactly as the YAML parser decoded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scalar {
    /// The decoded text (escapes processed, block folding applied).
    pub text: String,
    /// How it was written.
    pub style: ScalarStyle,
    /// The explicit tag, if any, as written (`!vault`, `!!str`, `tag:yaml.org,2002:int`, ...).
    pub tag: Option<String>,
    /// `true` when nothing at all was written (`key:` or `key: # comment`).
    pub empty: bool,
}

/// The shape of a node.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// A scalar.
    Scalar(Scalar),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in file order, merge keys (`<<`) already applied.
    Map(Vec<(Key, Node)>),
}

/// A mapping key: always a scalar in the files we read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    /// The key text.
    pub text: String,
    /// Where it is.
    pub pos: Pos,
}

/// A YAML node with where it starts and, for an empty value, the comment written after it
/// on the same line (the generator's placeholder hint: `dr_secondary_name: # data1`).
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// What it is.
    pub kind: NodeKind,
    /// Where it starts.
    pub pos: Pos,
    /// The same-line comment after an empty value, without the `#` and surrounding blanks.
    pub hint: Option<String>,
}

impl Node {
    /// The scalar, if this node is one.
    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The entries, if this node is a mapping.
    pub fn as_map(&self) -> Option<&[(Key, Node)]> {
        match &self.kind {
            NodeKind::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The items, if this node is a sequence.
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// The value of `key` in a mapping node (the last one if the key repeats, as PyYAML does).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?
            .iter()
            .rev()
            .find(|(k, _)| k.text == key)
            .map(|(_, v)| v)
    }

    /// What kind of node this is, for messages: `a mapping`, `a list`, `text`.
    pub fn describe(&self) -> &'static str {
        match &self.kind {
            NodeKind::Scalar(_) => "a scalar",
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a mapping",
        }
    }
}
