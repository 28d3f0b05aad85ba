//! The values an option takes, and how each Rust field type reads and writes them.

/// An option's value, as front ends hand it over by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptionValue {
    /// A yes/no choice.
    Bool(bool),
    /// A text.
    Text(String),
    /// A list of texts (e.g. domain names).
    Texts(Vec<String>),
    /// Not given: the option's "none" (every domain, no reason, ...).
    Unset,
}

/// What values an option takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionKind {
    /// `true` or `false`.
    Bool,
    /// A text.
    Text,
    /// A text, or none.
    OptionalText,
    /// A list of texts, or none.
    OptionalTexts,
}

impl OptionKind {
    /// What the kind takes, for error messages.
    pub fn expected(self) -> &'static str {
        match self {
            OptionKind::Bool => "true or false",
            OptionKind::Text => "a text",
            OptionKind::OptionalText => "a text or none",
            OptionKind::OptionalTexts => "a list of texts or none",
        }
    }
}

/// A Rust type an option field can have.
pub trait OptionType: Sized {
    /// What a default is written as in a description macro (`true`, `"unplugged"`, `None`).
    type Lit;
    /// Its kind.
    const KIND: OptionKind;
    /// The value of a default as written.
    fn from_lit(lit: Self::Lit) -> Self;
    /// The value from a front end's; `None` when it is of the wrong kind.
    fn from_value(value: OptionValue) -> Option<Self>;
    /// The value, for a front end.
    fn to_value(&self) -> OptionValue;
}

impl OptionType for bool {
    type Lit = bool;
    const KIND: OptionKind = OptionKind::Bool;
    fn from_lit(lit: bool) -> Self {
        lit
    }
    fn from_value(value: OptionValue) -> Option<Self> {
        match value {
            OptionValue::Bool(b) => Some(b),
            _ => None,
        }
    }
    fn to_value(&self) -> OptionValue {
        OptionValue::Bool(*self)
    }
}

impl OptionType for String {
    type Lit = &'static str;
    const KIND: OptionKind = OptionKind::Text;
    fn from_lit(lit: &'static str) -> Self {
        lit.to_owned()
    }
    fn from_value(value: OptionValue) -> Option<Self> {
        match value {
            OptionValue::Text(t) => Some(t),
            _ => None,
        }
    }
    fn to_value(&self) -> OptionValue {
        OptionValue::Text(self.clone())
    }
}

impl OptionType for Option<String> {
    type Lit = Option<String>;
    const KIND: OptionKind = OptionKind::OptionalText;
    fn from_lit(lit: Option<String>) -> Self {
        lit
    }
    fn from_value(value: OptionValue) -> Option<Self> {
        match value {
            OptionValue::Text(t) => Some(Some(t)),
            OptionValue::Unset => Some(None),
            _ => None,
        }
    }
    fn to_value(&self) -> OptionValue {
        self.clone().map_or(OptionValue::Unset, OptionValue::Text)
    }
}

impl OptionType for Option<Vec<String>> {
    type Lit = Option<Vec<String>>;
    const KIND: OptionKind = OptionKind::OptionalTexts;
    fn from_lit(lit: Option<Vec<String>>) -> Self {
        lit
    }
    fn from_value(value: OptionValue) -> Option<Self> {
        match value {
            OptionValue::Texts(t) => Some(Some(t)),
            OptionValue::Unset => Some(None),
            _ => None,
        }
    }
    fn to_value(&self) -> OptionValue {
        self.clone().map_or(OptionValue::Unset, OptionValue::Texts)
    }
}
