//! The app's string resources are the one catalogue of what VoidGuard says, in English
//! (`values/`) and Chinese (`values-zh-rCN/`). This reads both files and writes them out
//! as Rust: `key::NAME` for every text both languages have (a text missing from one does
//! not compile where it is used), and every key and text of each language for the tests
//! that keep the two files in step.

use std::collections::BTreeMap;
use std::error::Error;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};

const RES: &str = "../android/app/src/main/res";

type Catalogue = BTreeMap<String, String>;

fn main() -> Result<(), Box<dyn Error>> {
    let res = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?).join(RES);
    let en_path = res.join("values/strings.xml");
    let zh_path = res.join("values-zh-rCN/strings.xml");
    println!("cargo:rerun-if-changed={}", en_path.display());
    println!("cargo:rerun-if-changed={}", zh_path.display());
    let en = read(&en_path)?;
    let zh = read(&zh_path)?;

    let mut out = String::new();
    out.push_str(
        "/// Every text in both languages, by its resource name (the app's too: not all\n\
         /// are the tool's).\n#[allow(dead_code)]\npub mod key {\n",
    );
    out.push_str("    use super::Text;\n");
    for (name, en_text) in &en {
        if name.contains('[') {
            continue;
        }
        if let Some(zh_text) = zh.get(name) {
            writeln!(
                out,
                "    pub const {}: Text = Text {{ en: {en_text:?}, zh: {zh_text:?} }};",
                name.to_uppercase()
            )?;
        }
    }
    out.push_str("}\n");
    for (table, texts) in [("EN", &en), ("ZH", &zh)] {
        writeln!(
            out,
            "/// Every `(name, text)` of one file; a plural's items as `name[quantity]`.\n\
             #[cfg_attr(not(test), allow(dead_code))]\n\
             pub static {table}: &[(&str, &str)] = &["
        )?;
        for (name, text) in texts {
            writeln!(out, "    ({name:?}, {text:?}),")?;
        }
        out.push_str("];\n");
    }
    let dest = PathBuf::from(std::env::var("OUT_DIR")?).join("catalogue.rs");
    std::fs::write(dest, out)?;
    Ok(())
}

/// The `<string>`s and `<plurals>` items of one resource file, as Android shows them.
fn read(path: &Path) -> Result<Catalogue, Box<dyn Error>> {
    let xml = std::fs::read_to_string(path)?;
    let mut reader = Reader::from_str(&xml);
    let mut texts = Catalogue::new();
    let mut plural: Option<String> = None;
    let mut open: Option<String> = None;
    let mut raw = String::new();
    loop {
        match reader.read_event()? {
            Event::Start(e) => {
                let tag = e.name().as_ref().to_owned();
                let attr = |name: &str| -> Result<Option<String>, Box<dyn Error>> {
                    Ok(match e.try_get_attribute(name)? {
                        Some(a) => Some(a.normalized_value(XmlVersion::Implicit1_0)?.into_owned()),
                        None => None,
                    })
                };
                match tag.as_str() {
                    "string" => open = attr("name")?,
                    "plurals" => plural = attr("name")?,
                    "item" => {
                        if let (Some(p), Some(q)) = (&plural, attr("quantity")?) {
                            open = Some(format!("{p}[{q}]"));
                        }
                    }
                    _ => {}
                }
                raw.clear();
            }
            Event::Text(t) if open.is_some() => raw.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if open.is_some() => {
                if let Some(c) = r.resolve_char_ref()? {
                    raw.push(c);
                } else {
                    let name = r.xml10_content();
                    raw.push(match name.as_ref() {
                        "lt" => '<',
                        "gt" => '>',
                        "amp" => '&',
                        "apos" => '\'',
                        "quot" => '"',
                        other => {
                            return Err(
                                format!("{}: unknown entity &{other};", path.display()).into()
                            )
                        }
                    });
                }
            }
            Event::End(e) => match e.name().as_ref() {
                "string" | "item" => {
                    if let Some(name) = open.take() {
                        let text = android_text(&raw)
                            .map_err(|why| format!("{}: {name}: {why}", path.display()))?;
                        if texts.insert(name.clone(), text).is_some() {
                            return Err(format!("{}: {name} twice", path.display()).into());
                        }
                    }
                }
                "plurals" => plural = None,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(texts)
}

/// A resource text as `getString` returns it: runs of white space outside double quotes
/// become one space and are trimmed at both ends, the quotes themselves go, and the
/// backslash escapes (`\'`, `\"`, `\n`, `\t`, `\\`, `\@`, `\?`, `\uXXXX`) are resolved.
fn android_text(raw: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut quoted = false;
    let mut space = false;
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c.is_whitespace() && !quoted {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        match c {
            '"' => quoted = !quoted,
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('u') => {
                    let hex: String = chars.by_ref().take(4).collect();
                    let code =
                        u32::from_str_radix(&hex, 16).map_err(|_| format!("bad \\u{hex}"))?;
                    out.push(char::from_u32(code).ok_or(format!("bad \\u{hex}"))?);
                }
                Some(e @ ('\'' | '"' | '\\' | '@' | '?')) => out.push(e),
                other => return Err(format!("unknown escape \\{other:?}")),
            },
            '\'' if !quoted => return Err("unescaped apostrophe".into()),
            c => out.push(c),
        }
    }
    Ok(out)
}
