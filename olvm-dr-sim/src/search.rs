//! The Engine's `search=` language, as far as DR tooling and the SDK use it.
//!
//! `[Object:] field op value [and|or field op value ...] [sortby field [asc|desc]] [page N]`:
//!
//! - `op` is `=`, `!=`, `<`, `<=`, `>`, `>=`, with or without blanks around it
//!   (`status = active`, `type!=cinder`);
//! - values are bare words or double-quoted (`name="my vm"`, as the Ansible modules send them);
//! - `and` binds tighter than `or`;
//! - `'` and `;` anywhere are the Engine's `INVALID_CHARECTER` (`SyntaxChecker.DISALLOWED_CHARS`,
//!   checked on every character before anything else);
//! - parentheses are not refused, and not grouping either: the Engine's `SyntaxChecker` has no
//!   parenthesis in its grammar, so a term that starts with `(` is not a field and is read as
//!   free text up to the next blank (`handleValuePhrase`), allowed once per search object
//!   (`FREE_TEXT_ALLOWED_ONCE_PER_OBJ`), and a `)` is part of the value it ends (a value no
//!   enumeration has: `INVALID_CONDITION_VALUE`); free text matches an entity whose name
//!   contains it;
//! - text fields compare like the Engine's SQL `LIKE`/`ILIKE`: `*` (and `%`) match any run of
//!   characters, `_` any one character, case-insensitively unless `case_sensitive=true`;
//! - enumeration fields compare by the Engine's enum names, case-insensitively and without
//!   underscores (`waitforlaunch` and `wait_for_launch` both match `wait_for_launch`);
//! - numeric fields compare as numbers;
//! - `sortby` is accepted and ignored (the fake's listings have a stable order); `page N`
//!   pages by `max`.
//!
//! Errors carry the name of the Engine's `SyntaxError` value, which is what its REST layer puts
//! in the fault detail when a search cannot be parsed (`SearchQuery.searchBusinessObjects`).

/// A field's value on one entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    /// Free text (names, aliases).
    Text(String),
    /// Several texts: the condition holds when one of them matches (`storage=` on a VM with
    /// disks on several domains).
    Many(Vec<String>),
    /// An enumeration value, in the API's snake_case.
    Enum(String),
    /// A number.
    Num(i64),
    /// The entity has no value (a VM without a host): only `!=` holds.
    Absent,
}

/// A search that cannot be parsed or names an unknown field; the Engine's `SyntaxError` name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SearchError(pub &'static str);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Term {
    /// `field op value`.
    Condition {
        field: String,
        op: Op,
        value: String,
    },
    /// Free text: a phrase that is not a condition.
    FreeText(String),
}

/// A parsed search: alternatives (`or`) of conjunctions (`and`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Query {
    alternatives: Vec<Vec<Term>>,
    /// `page N` (1-based).
    pub page: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    Quoted(String),
    Op(Op),
    /// A phrase that starts with `(`, up to the next blank.
    FreeText(String),
}

fn tokenize(text: &str) -> Result<Vec<Token>, SearchError> {
    if text.contains(['\'', ';']) {
        return Err(SearchError("INVALID_CHARECTER"));
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '"' {
            let start = i + 1;
            let end = chars[start..]
                .iter()
                .position(|&c| c == '"')
                .map(|p| start + p)
                .ok_or(SearchError("INVALID_CONDITION_VALUE"))?;
            out.push(Token::Quoted(chars[start..end].iter().collect()));
            i = end + 1;
        } else if c == '(' {
            let start = i;
            while i < chars.len() && !chars[i].is_whitespace() {
                i += 1;
            }
            out.push(Token::FreeText(chars[start..i].iter().collect()));
        } else if matches!(c, '=' | '!' | '<' | '>') {
            let next = chars.get(i + 1).copied();
            let (op, len) = match (c, next) {
                ('!', Some('=')) => (Op::Ne, 2),
                ('<', Some('=')) => (Op::Le, 2),
                ('>', Some('=')) => (Op::Ge, 2),
                ('=', _) => (Op::Eq, 1),
                ('<', _) => (Op::Lt, 1),
                ('>', _) => (Op::Gt, 1),
                _ => return Err(SearchError("INVALID_CONDITION_RELATION")),
            };
            out.push(Token::Op(op));
            i += len;
        } else {
            let start = i;
            while i < chars.len()
                && !chars[i].is_whitespace()
                && !matches!(chars[i], '=' | '!' | '<' | '>' | '"')
            {
                i += 1;
            }
            out.push(Token::Word(chars[start..i].iter().collect()));
        }
    }
    Ok(out)
}

impl Query {
    /// Parses a search expression.
    pub(crate) fn parse(text: &str) -> Result<Self, SearchError> {
        let mut tokens = tokenize(text)?.into_iter().peekable();
        // An optional object prefix, e.g. `Vms:`.
        if let Some(Token::Word(w)) = tokens.peek()
            && w.ends_with(':')
        {
            tokens.next();
        }
        let mut alternatives = vec![Vec::new()];
        let mut page = None;
        let mut expect_term = true;
        let mut free_text = false;
        while let Some(tok) = tokens.next() {
            if let Token::FreeText(text) = &tok
                && expect_term
            {
                if free_text {
                    return Err(SearchError("FREE_TEXT_ALLOWED_ONCE_PER_OBJ"));
                }
                free_text = true;
                alternatives
                    .last_mut()
                    .expect("there is always one alternative")
                    .push(Term::FreeText(text.clone()));
                expect_term = false;
                continue;
            }
            let Token::Word(word) = tok else {
                return Err(SearchError("INVALID_CONDITION_FILED_OR_SORTBY"));
            };
            let lower = word.to_ascii_lowercase();
            if !expect_term {
                match lower.as_str() {
                    "and" => {}
                    "or" => alternatives.push(Vec::new()),
                    "sortby" => {
                        // The field and an optional direction; the order is not applied.
                        if !matches!(tokens.next(), Some(Token::Word(_))) {
                            return Err(SearchError("INVALID_SORT_FIELD"));
                        }
                        if let Some(Token::Word(d)) = tokens.peek()
                            && matches!(d.to_ascii_lowercase().as_str(), "asc" | "desc")
                        {
                            tokens.next();
                        }
                        continue;
                    }
                    "page" => {
                        page = Some(parse_page(tokens.next())?);
                        if tokens.next().is_some() {
                            return Err(SearchError("NOTHING_COMES_AFTER_PAGE_VALUE"));
                        }
                        break;
                    }
                    _ => return Err(SearchError("INVALID_POST_CONDITION_VALUE_PHRASE")),
                }
                expect_term = true;
                continue;
            }
            if lower == "page" && alternatives.iter().all(Vec::is_empty) {
                page = Some(parse_page(tokens.next())?);
                break;
            }
            let Some(Token::Op(op)) = tokens.next() else {
                return Err(SearchError("INVALID_CONDITION_RELATION"));
            };
            let value = match tokens.next() {
                Some(Token::Word(v)) | Some(Token::Quoted(v)) => v,
                _ => return Err(SearchError("INVALID_CONDITION_VALUE")),
            };
            alternatives
                .last_mut()
                .expect("there is always one alternative")
                .push(Term::Condition {
                    field: lower,
                    op,
                    value,
                });
            expect_term = false;
        }
        if expect_term && alternatives.iter().any(|a| !a.is_empty()) {
            return Err(SearchError("INVALID_POST_OR_AND_PHRASE"));
        }
        alternatives.retain(|a| !a.is_empty());
        Ok(Self { alternatives, page })
    }

    /// The fields the search names (lower case).
    pub(crate) fn fields(&self) -> impl Iterator<Item = &str> {
        self.alternatives.iter().flatten().map(|t| match t {
            Term::Condition { field, .. } => field.as_str(),
            Term::FreeText(_) => "name",
        })
    }

    /// `true` when the search names `field`.
    pub(crate) fn uses(&self, field: &str) -> bool {
        self.fields().any(|f| f == field)
    }

    /// Whether an entity whose fields `lookup` gives matches; `lookup` returns `None` for a
    /// field the entity type does not have.
    pub(crate) fn matches(
        &self,
        case_sensitive: bool,
        lookup: impl Fn(&str) -> Option<Value>,
    ) -> Result<bool, SearchError> {
        if self.alternatives.is_empty() {
            return Ok(true);
        }
        // Every term is evaluated, so that a value the Engine would refuse while parsing
        // fails whatever the entity.
        let mut any = false;
        for conjunction in &self.alternatives {
            let mut all = true;
            for term in conjunction {
                let holds = match term {
                    Term::Condition { field, op, value } => {
                        let have = lookup(field).ok_or(SearchError("INVALID_CONDITION_FILED"))?;
                        term_holds(*op, value, &have, case_sensitive)?
                    }
                    Term::FreeText(text) => match lookup("name") {
                        Some(Value::Text(name)) => like(&format!("*{text}*"), &name, false),
                        _ => false,
                    },
                };
                all &= holds;
            }
            any |= all;
        }
        Ok(any)
    }
}

fn parse_page(tok: Option<Token>) -> Result<usize, SearchError> {
    match tok {
        Some(Token::Word(n)) => n
            .parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or(SearchError("INVALID_PAGE_FEILD")),
        _ => Err(SearchError("INVALID_PAGE_FEILD")),
    }
}

fn term_holds(
    op: Op,
    want: &str,
    value: &Value,
    case_sensitive: bool,
) -> Result<bool, SearchError> {
    let text_eq = |v: &str| like(want, v, case_sensitive);
    let positive = match (value, op) {
        (Value::Absent, Op::Eq | Op::Ne) => false,
        (Value::Text(v), Op::Eq | Op::Ne) => text_eq(v),
        (Value::Many(vs), Op::Eq | Op::Ne) => vs.iter().any(|v| text_eq(v)),
        // No enumeration value has a parenthesis (`validateFieldValue` refuses it).
        (Value::Enum(_), _) if want.contains(['(', ')']) => {
            return Err(SearchError("INVALID_CONDITION_VALUE"));
        }
        (Value::Enum(v), Op::Eq | Op::Ne) => enum_name(v) == enum_name(want),
        (Value::Num(n), op) => {
            let want: i64 = want
                .trim()
                .parse()
                .map_err(|_| SearchError("INVALID_CONDITION_VALUE"))?;
            return Ok(match op {
                Op::Eq => *n == want,
                Op::Ne => *n != want,
                Op::Lt => *n < want,
                Op::Le => *n <= want,
                Op::Gt => *n > want,
                Op::Ge => *n >= want,
            });
        }
        _ => return Err(SearchError("INVALID_CONDITION_RELATION")),
    };
    Ok(if op == Op::Ne { !positive } else { positive })
}

/// The Engine's enum spelling for comparison: lower case, no underscores.
fn enum_name(s: &str) -> String {
    s.chars()
        .filter(|c| *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// SQL `LIKE` with the Engine's wildcards: `*` / `%` any run, `_` any one character.
fn like(pattern: &str, text: &str, case_sensitive: bool) -> bool {
    let fold = |s: &str| -> Vec<char> {
        if case_sensitive {
            s.chars().collect()
        } else {
            s.chars().flat_map(char::to_lowercase).collect()
        }
    };
    let (p, t) = (fold(pattern), fold(text));
    // Iterative wildcard matching with backtracking to the last star.
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '_' || p[pi] == t[ti]) && p[pi] != '*' && p[pi] != '%' {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && (p[pi] == '*' || p[pi] == '%') {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*' || *c == '%')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vm(field: &str) -> Option<Value> {
        match field {
            "name" => Some(Value::Text("Web 01".into())),
            "status" => Some(Value::Enum("wait_for_launch".into())),
            "storage" | "storage.name" => Some(Value::Many(vec!["data1".into(), "data2".into()])),
            "datacenter" => Some(Value::Text("dc1".into())),
            "number_of_vms" => Some(Value::Num(0)),
            "host" => Some(Value::Absent),
            _ => None,
        }
    }

    fn m(q: &str) -> bool {
        Query::parse(q).unwrap().matches(false, vm).unwrap()
    }

    #[test]
    fn operators_quotes_blanks_and_conjunctions() {
        assert!(m(r#"name="web 01""#));
        assert!(m("name=WEB*"));
        assert!(!m("name=web"));
        assert!(m("status=waitforlaunch and datacenter=dc1"));
        assert!(m("status = wait_for_launch"));
        assert!(m(
            "status != down and storage.name=data2 and datacenter=dc1"
        ));
        assert!(!m("status!=waitforlaunch"));
        assert!(m("storage=data1"));
        assert!(!m("storage!=data1"));
        assert!(m("number_of_vms=0 and name=Web_01"));
        assert!(m("number_of_vms<1"));
        assert!(m("host!=x"));
        assert!(!m("host=x"));
        assert!(m("name=nope or status=waitforlaunch"));
        assert!(!m("name=nope or status=up"));
        assert!(m("Vms: name=web* sortby name desc page 1"));
        assert!(
            !Query::parse("name=web*")
                .unwrap()
                .matches(true, vm)
                .unwrap()
        );
    }

    #[test]
    fn errors_name_the_engine_syntax_error() {
        let e = |q: &str| Query::parse(q).unwrap_err().0;
        assert_eq!(e("name='a'"), "INVALID_CHARECTER");
        assert_eq!(e("name=a; drop"), "INVALID_CHARECTER");
        assert_eq!(e(r#"name="it's""#), "INVALID_CHARECTER");
        assert_eq!(e("(name=a or (status=up"), "FREE_TEXT_ALLOWED_ONCE_PER_OBJ");
        assert_eq!(e("name"), "INVALID_CONDITION_RELATION");
        assert_eq!(e("name="), "INVALID_CONDITION_VALUE");
        assert_eq!(e("name=a and"), "INVALID_POST_OR_AND_PHRASE");
        assert_eq!(e("name=a status=b"), "INVALID_POST_CONDITION_VALUE_PHRASE");
        assert_eq!(e("name=a page x"), "INVALID_PAGE_FEILD");
        let q = Query::parse("bogus=1").unwrap();
        assert_eq!(
            q.matches(false, vm).unwrap_err().0,
            "INVALID_CONDITION_FILED"
        );
        let q = Query::parse("number_of_vms=x").unwrap();
        assert_eq!(
            q.matches(false, vm).unwrap_err().0,
            "INVALID_CONDITION_VALUE"
        );
        assert_eq!(Query::parse("name=a page 3").unwrap().page, Some(3));
    }

    #[test]
    fn parentheses_are_free_text_not_grouping() {
        // Valid, as on the Engine; a parenthesised condition is free text matched against the
        // name, so the role's grouped storage-domain search finds nothing.
        assert!(!m("(name=web*"));
        assert!(m("(name=web* or name=web*"));
        assert!(!m("name=Web* and (status=waitforlaunch or status=up"));
        assert!(!m("(Web"), "the parenthesis is part of the free text");
        assert!(!m(r#"name="Web 01)""#), "a `)` is part of the value");
        let q = Query::parse("name=web* and (datacenter=dc1 and status=up)").unwrap();
        assert_eq!(
            q.matches(false, vm).unwrap_err().0,
            "INVALID_CONDITION_VALUE",
            "`up)` is no status"
        );
        assert!(m("status=up or status=waitforlaunch"));
    }

    #[test]
    fn like_wildcards() {
        assert!(like("a_c", "abc", true));
        assert!(like("a%", "abc", true));
        assert!(like("*b*", "abc", true));
        assert!(!like("a_c", "ac", true));
        assert!(!like("ABC", "abc", true));
        assert!(like("ABC", "abc", false));
        assert!(like("", "", false));
    }
}
