//! The journal's hash chain, its header and its head: how a line's place in the chain is
//! checked, how the first write of this version seals what older versions wrote, and how
//! `journal.head` shows records removed from the end or written by hand after it.

use super::*;
use sha2::{Digest, Sha256};

/// The journal's first line written by this version: a random nonce every later chain value
/// depends on, and the seal of the lines written before it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub event: HeaderEvent,
    pub nonce: String,
    /// How many lines were there before it, and the SHA-256 of their text.
    pub sealed_lines: usize,
    pub sealed_hash: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HeaderEvent {
    JournalHeader,
}

/// `journal.head`: how many chained records the journal had after secdash's last write, and
/// the last one's chain value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Head {
    pub records: usize,
    pub chain: String,
}

pub(super) const CHAIN_KEY: &str = ",\"chain\":\"";

pub(super) fn chain(prev: Option<&str>, content: &str) -> String {
    let mut h = Sha256::new();
    h.update(prev.unwrap_or("").as_bytes());
    h.update(content.as_bytes());
    h.finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>()
}

/// A line split into its content (as hashed) and its chain value, when it has one.
fn split_chain(line: &str) -> (String, Option<&str>) {
    match line.rfind(CHAIN_KEY) {
        // The value lies between the key and the closing `"}`; a line cut inside the key
        // has none.
        Some(at) if line.ends_with("\"}") && at + CHAIN_KEY.len() <= line.len() - 2 => {
            let value = &line[at + CHAIN_KEY.len()..line.len() - 2];
            (format!("{}}}", &line[..at]), Some(value))
        }
        _ => (line.to_string(), None),
    }
}

/// What kind of line this is, once it reads.
enum Line {
    Record(Box<Record>),
    Ack(Acknowledgement),
    Header(Header),
}

fn parse(line: &str) -> Result<Line, serde_json::Error> {
    match serde_json::from_str::<Record>(line) {
        Ok(r) => Ok(Line::Record(Box::new(r))),
        Err(e) => serde_json::from_str::<Acknowledgement>(line)
            .map(Line::Ack)
            .or_else(|_| serde_json::from_str::<Header>(line).map(Line::Header))
            .map_err(|_| e),
    }
}

pub(super) fn sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Reads the journal's text: every line checked, none fatal.
pub fn read_text(text: &str) -> JournalRead {
    let mut out = JournalRead {
        torn_tail: !text.is_empty() && !text.ends_with('\n'),
        ..JournalRead::default()
    };
    // Once the file has a chained line, a line without one was not written by secdash.
    let any_chained = text.split('\n').any(|l| split_chain(l).1.is_some());
    let mut acknowledged: BTreeSet<usize> = BTreeSet::new();
    let (mut offset, mut non_empty) = (0, 0);
    for (i, line) in text.split('\n').enumerate() {
        let number = i + 1;
        let start = offset;
        offset += line.len() + 1;
        out.lines = number;
        if line.trim().is_empty() {
            continue;
        }
        non_empty += 1;
        let (content, stored) = split_chain(line);
        let parsed = match parse(line) {
            Ok(parsed) => parsed,
            Err(e) => {
                let torn = e.classify() == serde_json::error::Category::Eof;
                out.damage.push(Damage {
                    line: number,
                    torn,
                    problem: if torn {
                        "cut short (a crash while it was written); skipped".to_string()
                    } else {
                        format!("cannot be read ({e}); skipped")
                    },
                    acknowledged: false,
                });
                continue;
            }
        };
        let altered = match stored {
            Some(value) => {
                let ok = chain(out.last_chain.as_deref(), &content) == value;
                out.last_chain = Some(value.to_string());
                out.chained.push(Chained {
                    line: number,
                    value: value.to_string(),
                    entry: match &parsed {
                        Line::Record(r) => Some(r.entry.clone()),
                        _ => None,
                    },
                });
                !ok
            }
            None => any_chained,
        };
        match parsed {
            Line::Ack(a) => {
                if !altered {
                    acknowledged.extend(a.lines);
                }
            }
            Line::Header(h) => {
                let sealed = &text[..start];
                let broken = altered
                    || out.has_header
                    || h.sealed_lines != non_empty - 1
                    || h.sealed_hash != sha256(sealed);
                if broken {
                    // Every record it sealed is suspect: none is restored.
                    let before: Vec<String> = out.records.iter().map(|r| r.entry.clone()).collect();
                    out.untrusted.extend(before);
                    out.damage.push(Damage {
                        line: number,
                        problem: format!(
                            "the journal's header does not seal the {} line(s) before it (they were changed, or the header was): their entries are not restored",
                            non_empty - 1
                        ),
                        torn: false,
                        acknowledged: false,
                    });
                }
                out.has_header = true;
            }
            Line::Record(r) => {
                if altered {
                    out.distrust(
                        number,
                        Some(&r.entry),
                        format!(
                            "record of entry {} was altered or inserted (the hash chain breaks here)",
                            r.entry
                        ),
                    );
                }
                out.records.push(*r);
            }
        }
    }
    out.non_empty = non_empty;
    for d in &mut out.damage {
        d.acknowledged = acknowledged.contains(&d.line);
    }
    out
}

/// A line and its chain value, as one line of the journal.
pub(super) fn push_chained(text: &mut String, line: &str, value: &str) {
    text.push_str(&line[..line.len() - 1]);
    text.push_str(CHAIN_KEY);
    text.push_str(value);
    text.push_str("\"}\n");
}

/// 128 random bits, from the system's source (as the temporary files' names are).
pub(super) fn random_nonce() -> Result<String, JournalError> {
    let mut bytes = [0u8; 16];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut bytes))
        .map_err(|error| JournalError::Io {
            path: PathBuf::from("/dev/urandom"),
            error,
        })?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[derive(Debug, Clone, Default)]
pub(super) struct Chained {
    pub(super) line: usize,
    pub(super) value: String,
    pub(super) entry: Option<String>,
}

impl JournalRead {
    pub(super) fn distrust(&mut self, line: usize, entry: Option<&str>, problem: String) {
        if let Some(e) = entry {
            self.untrusted.insert(e.to_string());
        }
        self.damage.push(Damage {
            line,
            problem,
            torn: false,
            acknowledged: false,
        });
    }

    /// Compares the journal with its head: records removed from the end, or written after
    /// the last one secdash accounted for, are damage (and the latter untrusted).
    pub(super) fn check_head(&mut self, head: &Head) {
        let n = self.chained.len();
        let h = head.records;
        let missing = self.lines + 1;
        if n < h {
            self.damage.push(Damage {
                line: missing,
                problem: format!(
                    "the journal holds {n} chained record(s) but secdash wrote {h} (journal.head): {} were removed from its end",
                    h - n
                ),
                torn: false,
                acknowledged: false,
            });
            return;
        }
        if h > 0 && self.chained[h - 1].value != head.chain {
            self.damage.push(Damage {
                line: self.chained[h - 1].line,
                problem: format!(
                    "record {h} is not the one secdash wrote last (journal.head): records were removed or replaced"
                ),
                torn: false,
                acknowledged: false,
            });
            return;
        }
        // One record past the head is a write whose head update a crash cut off.
        let foreign: Vec<Chained> = self.chained.iter().skip(h + 1).cloned().collect();
        for c in foreign {
            self.distrust(
                c.line,
                c.entry.as_deref(),
                format!(
                    "written after record {} (journal.head), not by secdash",
                    h + 1
                ),
            );
        }
    }

    /// Whether the head's account of the journal holds (no removed or foreign records).
    pub(super) fn head_holds(&self, head: &Head) -> bool {
        let n = self.chained.len();
        let h = head.records;
        n >= h && n <= h + 1 && (h == 0 || self.chained[h - 1].value == head.chain)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the fuzzer: a line cut so that its chain key's closing quote is the line's
    /// last quote (`…,"chain":"}`) is a line without a chain value, not a panic.
    #[test]
    fn a_line_ending_in_its_chain_key_has_no_chain_value() {
        let line = r#"{"event":"finished","chain":"}"#;
        assert_eq!(split_chain(line), (line.to_string(), None));
    }
}
