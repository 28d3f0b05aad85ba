//! YAML text → [`Node`] tree, with positions, scalar styles, tags, placeholder hints, anchors,
//! aliases and merge keys resolved the way PyYAML resolves them, under input budgets.

use std::collections::HashMap;

use granit_parser::{Event, Options, Parser, Placement, ScanError, Span};

use super::node::{Key, Node, NodeKind, Pos, Scalar, ScalarStyle};

/// Limits that keep a hostile file from exhausting memory or time.
///
/// The defaults are far above what a real mapping needs (a 2 000-entry file is about 0.3 MiB,
/// 25 000 nodes, depth 4; a site with 2 000 vNIC profiles and 1 000 direct LUNs needs about
/// 40 000 nodes) and low enough that the worst case (an alias "bomb") stays in the tens of MiB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Largest input accepted, in bytes. Default 32 MiB.
    pub max_bytes: usize,
    /// Deepest nesting of lists and mappings. Default 64: the role's format needs 4.
    pub max_depth: usize,
    /// Most nodes after alias expansion (a "billion laughs" file hits this). Default 250 000.
    pub max_nodes: usize,
}

impl Default for Budget {
    fn default() -> Self {
        Self {
            max_bytes: 32 * 1024 * 1024,
            max_depth: 64,
            max_nodes: 250_000,
        }
    }
}

/// Why a text is not a YAML document we can read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// What went wrong.
    pub kind: YamlErrorKind,
    /// Where.
    pub pos: Pos,
    /// The parser's explanation.
    pub message: String,
}

/// The class of a [`YamlError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YamlErrorKind {
    /// Not well-formed YAML.
    Syntax,
    /// Over a [`Budget`] limit.
    Budget,
    /// More than one document (PyYAML's `safe_load` refuses these too).
    MultipleDocuments,
    /// An alias that refers to its own enclosing node.
    RecursiveAlias,
    /// A list or mapping used as a mapping key.
    ComplexKey,
}

/// A key written twice in one mapping. PyYAML keeps the last value, so do we.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    /// The key.
    pub key: String,
    /// The later occurrence (the one that wins).
    pub pos: Pos,
    /// The first occurrence.
    pub first: Pos,
}

/// A parsed document: its root (`None` for an empty file) and the duplicate keys seen.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Document {
    /// The root node; `None` when the file holds no document (empty or only comments).
    pub root: Option<Node>,
    /// Keys written twice in the same mapping.
    pub duplicates: Vec<DuplicateKey>,
}

/// Parses one YAML document.
///
/// # Errors
/// A [`YamlError`] for malformed YAML, several documents, recursive aliases, complex keys, or a
/// breach of `budget`.
pub fn parse(text: &str, budget: Budget) -> Result<Document, YamlError> {
    if text.len() > budget.max_bytes {
        return Err(YamlError {
            kind: YamlErrorKind::Budget,
            pos: Pos::new(1, 1),
            message: format!(
                "the file is {} bytes, more than the limit of {} bytes",
                text.len(),
                budget.max_bytes
            ),
        });
    }
    let mut options = Options::default();
    options.block_nesting_limit = budget.max_depth;
    options.flow_nesting_limit = budget.max_depth;
    let parser = Parser::new_from_str_with_options(text, options);
    let mut builder = Builder {
        budget,
        nodes: 0,
        stack: Vec::new(),
        anchors: HashMap::new(),
        open_anchors: Vec::new(),
        root: None,
        documents: 0,
        duplicates: Vec::new(),
        last_empty: None,
    };
    for event in parser {
        let (event, span) = event.map_err(scan_error)?;
        builder.event(event, span)?;
    }
    Ok(Document {
        root: builder.root,
        duplicates: builder.duplicates,
    })
}

fn scan_error(e: ScanError) -> YamlError {
    let m = e.marker();
    YamlError {
        kind: YamlErrorKind::Syntax,
        pos: marker_pos(m.line(), m.col()),
        message: e.info(),
    }
}

fn marker_pos(line: usize, col: usize) -> Pos {
    Pos::new(
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(col.saturating_add(1)).unwrap_or(u32::MAX),
    )
}

fn span_pos(span: &Span) -> Pos {
    marker_pos(span.start.line(), span.start.col())
}

/// A collection being built.
enum Open {
    Seq {
        pos: Pos,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        pos: Pos,
        anchor: usize,
        entries: Vec<(Key, Node)>,
        pending_key: Option<Key>,
        merges: Vec<Node>,
        seen: HashMap<String, Pos>,
    },
}

struct Builder {
    budget: Budget,
    nodes: usize,
    stack: Vec<Open>,
    anchors: HashMap<usize, (Node, usize)>,
    open_anchors: Vec<usize>,
    root: Option<Node>,
    documents: usize,
    duplicates: Vec<DuplicateKey>,
    /// The line of the node just pushed, when it is an empty scalar: a same-line comment that
    /// follows becomes its hint.
    last_empty: Option<u32>,
}

impl Builder {
    fn count(&mut self, n: usize, pos: Pos) -> Result<(), YamlError> {
        self.nodes = self.nodes.saturating_add(n);
        if self.nodes > self.budget.max_nodes {
            return Err(YamlError {
                kind: YamlErrorKind::Budget,
                pos,
                message: format!(
                    "more than {} nodes after expanding aliases",
                    self.budget.max_nodes
                ),
            });
        }
        Ok(())
    }

    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), YamlError> {
        let pos = span_pos(&span);
        match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Anchor(..) => {}
            Event::UnresolvedAlias(name) => {
                return Err(YamlError {
                    kind: YamlErrorKind::Syntax,
                    pos,
                    message: format!("unknown anchor '{name}'"),
                });
            }
            Event::DocumentStart(..) => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(YamlError {
                        kind: YamlErrorKind::MultipleDocuments,
                        pos,
                        message: "expected a single document, found another one".into(),
                    });
                }
            }
            Event::Comment(text, placement) => self.comment(&text, placement, pos),
            Event::Scalar(text, style, anchor, tag) => {
                self.count(1, pos)?;
                let empty = style == granit_parser::ScalarStyle::Plain
                    && span.start.index() == span.end.index();
                let style = match style {
                    granit_parser::ScalarStyle::Plain => ScalarStyle::Plain,
                    granit_parser::ScalarStyle::SingleQuoted
                    | granit_parser::ScalarStyle::DoubleQuoted => ScalarStyle::Quoted,
                    _ => ScalarStyle::Block,
                };
                let node = Node {
                    kind: NodeKind::Scalar(Scalar {
                        text: if empty {
                            String::new()
                        } else {
                            text.into_owned()
                        },
                        style,
                        tag: tag.map(|t| format!("{}{}", t.handle(), t.suffix())),
                        empty,
                    }),
                    pos,
                    hint: None,
                };
                if anchor != 0 {
                    self.anchors.insert(anchor, (node.clone(), 1));
                }
                self.push(node, empty)?;
            }
            Event::Alias(id) => {
                if self.open_anchors.contains(&id) {
                    return Err(YamlError {
                        kind: YamlErrorKind::RecursiveAlias,
                        pos,
                        message: "an alias refers to the node that contains it".into(),
                    });
                }
                let Some((node, weight)) = self.anchors.get(&id) else {
                    return Err(YamlError {
                        kind: YamlErrorKind::Syntax,
                        pos,
                        message: "alias to an unknown anchor".into(),
                    });
                };
                let (mut node, weight) = (node.clone(), *weight);
                self.count(weight, pos)?;
                // Positions inside the copy stay those of the anchored original, like PyYAML's
                // shared nodes; the alias itself is reported where it is written.
                node.pos = pos;
                self.push(node, false)?;
            }
            Event::SequenceStart(_, anchor, _) => {
                self.count(1, pos)?;
                if anchor != 0 {
                    self.open_anchors.push(anchor);
                }
                self.stack.push(Open::Seq {
                    pos,
                    anchor,
                    items: Vec::new(),
                });
            }
            Event::MappingStart(_, anchor, _) => {
                self.count(1, pos)?;
                if anchor != 0 {
                    self.open_anchors.push(anchor);
                }
                self.stack.push(Open::Map {
                    pos,
                    anchor,
                    entries: Vec::new(),
                    pending_key: None,
                    merges: Vec::new(),
                    seen: HashMap::new(),
                });
            }
            Event::SequenceEnd | Event::MappingEnd => self.close()?,
            // Presentation-only events a later parser version may add.
            _ => {}
        }
        Ok(())
    }

    fn comment(&mut self, text: &str, placement: Placement, pos: Pos) {
        if placement != Placement::Right {
            return;
        }
        let Some(line) = self.last_empty.take() else {
            return;
        };
        if line != pos.line {
            return;
        }
        let hint = text.trim();
        if hint.is_empty() {
            return;
        }
        let node = match self.stack.last_mut() {
            Some(Open::Seq { items, .. }) => items.last_mut(),
            Some(Open::Map { entries, .. }) => entries.last_mut().map(|(_, v)| v),
            None => None,
        };
        if let Some(node) = node {
            node.hint = Some(hint.to_owned());
        }
    }

    fn close(&mut self) -> Result<(), YamlError> {
        let Some(open) = self.stack.pop() else {
            return Ok(());
        };
        let (node, anchor) = match open {
            Open::Seq { pos, anchor, items } => (
                Node {
                    kind: NodeKind::Seq(items),
                    pos,
                    hint: None,
                },
                anchor,
            ),
            Open::Map {
                pos,
                anchor,
                entries,
                merges,
                ..
            } => (
                Node {
                    kind: NodeKind::Map(apply_merges(merges, entries)?),
                    pos,
                    hint: None,
                },
                anchor,
            ),
        };
        if anchor != 0 {
            self.open_anchors.retain(|a| *a != anchor);
            let weight = weight(&node);
            self.anchors.insert(anchor, (node.clone(), weight));
        }
        self.push(node, false)
    }

    fn push(&mut self, node: Node, empty: bool) -> Result<(), YamlError> {
        self.last_empty = None;
        let line = node.pos.line;
        match self.stack.last_mut() {
            None => {
                self.root = Some(node);
                return Ok(());
            }
            Some(Open::Seq { items, .. }) => items.push(node),
            Some(Open::Map {
                entries,
                pending_key,
                merges,
                seen,
                ..
            }) => match pending_key.take() {
                None => {
                    let Some(scalar) = node.as_scalar() else {
                        return Err(YamlError {
                            kind: YamlErrorKind::ComplexKey,
                            pos: node.pos,
                            message: format!("{} cannot be a mapping key", node.describe()),
                        });
                    };
                    *pending_key = Some(Key {
                        text: scalar.text.clone(),
                        pos: node.pos,
                    });
                    return Ok(());
                }
                Some(key) => {
                    if key.text == "<<" {
                        merges.push(node);
                        return Ok(());
                    }
                    if let Some(first) = seen.insert(key.text.clone(), key.pos) {
                        self.duplicates.push(DuplicateKey {
                            key: key.text.clone(),
                            pos: key.pos,
                            first,
                        });
                    }
                    entries.push((key, node));
                }
            },
        }
        if empty {
            self.last_empty = Some(line);
        }
        Ok(())
    }
}

/// PyYAML's `flatten_mapping`: the merged mappings come first, in reverse order of the merge
/// list (so the first listed wins), then the explicit keys, which win over all merged ones.
fn apply_merges(
    merges: Vec<Node>,
    entries: Vec<(Key, Node)>,
) -> Result<Vec<(Key, Node)>, YamlError> {
    if merges.is_empty() {
        return Ok(entries);
    }
    let bad = |pos| YamlError {
        kind: YamlErrorKind::Syntax,
        pos,
        message: "a merge key '<<' needs a mapping or a list of mappings".into(),
    };
    let mut merged: Vec<(Key, Node)> = Vec::new();
    for m in merges {
        match m.kind {
            NodeKind::Map(e) => merged.extend(e),
            NodeKind::Seq(items) => {
                for item in items.into_iter().rev() {
                    match item.kind {
                        NodeKind::Map(e) => merged.extend(e),
                        _ => return Err(bad(item.pos)),
                    }
                }
            }
            NodeKind::Scalar(_) => return Err(bad(m.pos)),
        }
    }
    merged.extend(entries);
    Ok(merged)
}

fn weight(node: &Node) -> usize {
    match &node.kind {
        NodeKind::Scalar(_) => 1,
        NodeKind::Seq(items) => items.iter().map(weight).fold(1, usize::saturating_add),
        NodeKind::Map(entries) => entries
            .iter()
            .map(|(_, v)| weight(v).saturating_add(1))
            .fold(1, usize::saturating_add),
    }
}
