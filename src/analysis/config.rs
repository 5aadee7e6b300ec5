//! The project file `claimlens.toml`: entities, aliases and exclusions the
//! user declares, figure conflicts they chose to keep, and limits.
//!
//! ```toml
//! [[entity]]
//! name = "Alexander Lukashenko"
//! type = "person"                # person | organization | place
//! aliases = ["Lukashenka", "Batka"]
//! description = "President of Belarus"
//!
//! [exclude]
//! names = ["Full Article", "Read more"]
//!
//! [limits]
//! max_file_bytes = 10_000_000
//!
//! [figures]
//! within_days = 30               # 0: compare articles of any dates
//!
//! [[figures.keep]]               # written by the "keep as is" code action
//! file = "interviews/2025-03-13.txt"
//! text = "24 million tonnes"
//! ```

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::entities::{DeclaredEntity, EntityConfig};

/// File name of the project file, looked up at each workspace root.
pub const FILE_NAME: &str = "claimlens.toml";

/// Default limit above which a file is skipped (bytes).
pub const DEFAULT_MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// Default for [`Config::figures_within_days`].
pub const DEFAULT_FIGURES_WITHIN_DAYS: u32 = 30;

/// The effective configuration of a corpus.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    pub entities: EntityConfig,
    pub kept_figures: Vec<KeptFigure>,
    pub max_file_bytes: u64,
    /// Figures of two articles whose own dates (complete enough to place
    /// them in time) lie more than this many days apart are not compared:
    /// they report two moments, not two versions of one. `None`: any dates.
    /// An article without a date is compared with every other.
    pub figures_within_days: Option<u32>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            entities: EntityConfig::default(),
            kept_figures: Vec::new(),
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            figures_within_days: Some(DEFAULT_FIGURES_WITHIN_DAYS),
        }
    }
}

/// A figure the user chose to keep although other articles disagree.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeptFigure {
    /// Path relative to the workspace root, `/`-separated.
    pub file: String,
    /// The figure's text as written ("24 million tonnes").
    pub text: String,
}

/// The file as written; every section optional.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectFile {
    #[serde(default, rename = "entity", skip_serializing_if = "Vec::is_empty")]
    pub entities: Vec<DeclaredEntity>,
    #[serde(default, skip_serializing_if = "Exclude::is_empty")]
    pub exclude: Exclude,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<Limits>,
    #[serde(default, skip_serializing_if = "Figures::is_empty")]
    pub figures: Figures,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exclude {
    #[serde(default)]
    pub names: Vec<String>,
}

impl Exclude {
    fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    pub max_file_bytes: Option<u64>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Figures {
    /// Compare figures of articles dated at most this many days apart (0:
    /// any dates); see [`Config::figures_within_days`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within_days: Option<u32>,
    #[serde(default)]
    pub keep: Vec<KeptFigure>,
}

impl Figures {
    fn is_empty(&self) -> bool {
        self.keep.is_empty() && self.within_days.is_none()
    }
}

/// Why a project file could not be used.
#[derive(Debug)]
pub struct ConfigError {
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl ProjectFile {
    pub fn parse(text: &str, path: &str) -> Result<ProjectFile, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError {
            path: path.to_string(),
            message: e.to_string().trim().to_string(),
        })
    }

    /// Read `claimlens.toml` in `root`; `Ok(None)` when there is none.
    pub fn load(root: &Path) -> Result<Option<ProjectFile>, ConfigError> {
        let path = root.join(FILE_NAME);
        match std::fs::read_to_string(&path) {
            Ok(text) => ProjectFile::parse(&text, &path.display().to_string()).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(ConfigError {
                path: path.display().to_string(),
                message: e.to_string(),
            }),
        }
    }

    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_default()
    }
}

/// Record a kept figure in `root/claimlens.toml`: the table is appended to
/// the file as written (comments and layout stay), and the file is replaced
/// atomically (a temporary file in the same folder, then a rename).
pub fn append_kept_figure(root: &Path, kept: &KeptFigure) -> std::io::Result<std::path::PathBuf> {
    let path = root.join(FILE_NAME);
    let mut text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            "# claimlens project file: see README.md (claimlens.toml reference)\n".to_string()
        }
        Err(e) => return Err(e),
    };
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    let quote = |s: &str| toml::Value::String(s.to_string()).to_string();
    text.push_str(&format!(
        "\n[[figures.keep]]\nfile = {}\ntext = {}\n",
        quote(&kept.file),
        quote(&kept.text)
    ));
    // the result must still parse: never write a file we cannot read back
    ProjectFile::parse(&text, &path.display().to_string())
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))?;
    let tmp = root.join(format!(".{FILE_NAME}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, text)?;
    if let Err(e) = std::fs::rename(&tmp, &path) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(path)
}

impl Config {
    /// Combine the project files of every workspace root.
    pub fn from_files<'a>(files: impl IntoIterator<Item = &'a ProjectFile>) -> Config {
        let mut cfg = Config::default();
        for f in files {
            cfg.entities.entities.extend(f.entities.iter().cloned());
            cfg.entities.exclude.extend(f.exclude.names.iter().cloned());
            cfg.kept_figures.extend(f.figures.keep.iter().cloned());
            if let Some(max) = f.limits.as_ref().and_then(|l| l.max_file_bytes) {
                cfg.max_file_bytes = max;
            }
            if let Some(days) = f.figures.within_days {
                cfg.figures_within_days = (days > 0).then_some(days);
            }
        }
        cfg
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::entities::EntityKind;

    #[test]
    fn parses_every_section() {
        let f = ProjectFile::parse(
            r#"
[[entity]]
name = "Alexander Lukashenko"
type = "person"
aliases = ["Lukashenka"]
description = "President of Belarus"

[[entity]]
name = "BelTA"
type = "organization"

[exclude]
names = ["Full Article"]

[limits]
max_file_bytes = 1000

[figures]
within_days = 7

[[figures.keep]]
file = "a.txt"
text = "24 million tonnes"
"#,
            "claimlens.toml",
        )
        .unwrap();
        let cfg = Config::from_files([&f]);
        assert_eq!(cfg.entities.entities.len(), 2);
        assert_eq!(cfg.entities.entities[0].kind, Some(EntityKind::Person));
        assert_eq!(cfg.entities.exclude, vec!["Full Article"]);
        assert_eq!(cfg.max_file_bytes, 1000);
        assert_eq!(cfg.kept_figures[0].text, "24 million tonnes");
        assert_eq!(cfg.figures_within_days, Some(7));
        // round trip
        let again = ProjectFile::parse(&f.to_toml(), "x").unwrap();
        assert_eq!(again.entities.len(), 2);
        assert_eq!(again.figures.within_days, Some(7));
        // 0 compares articles of any dates; absent keeps the default
        let any = ProjectFile::parse("[figures]\nwithin_days = 0\n", "x").unwrap();
        assert_eq!(Config::from_files([&any]).figures_within_days, None);
        assert_eq!(
            Config::from_files([&ProjectFile::default()]).figures_within_days,
            Some(DEFAULT_FIGURES_WITHIN_DAYS)
        );
    }

    #[test]
    fn appends_kept_figures_keeping_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, "# my notes\n[exclude]\nnames = [\"Full Article\"]").unwrap();
        let k = KeptFigure {
            file: "a \"b\".txt".into(),
            text: "24 million tonnes".into(),
        };
        append_kept_figure(dir.path(), &k).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# my notes\n"), "{text}");
        let f = ProjectFile::parse(&text, "x").unwrap();
        assert_eq!(f.figures.keep, vec![k]);
        assert_eq!(f.exclude.names, vec!["Full Article"]);
        // no temporary file left behind
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        // a fresh folder gets a new file
        let fresh = tempfile::tempdir().unwrap();
        append_kept_figure(fresh.path(), &f.figures.keep[0]).unwrap();
        assert!(fresh.path().join(FILE_NAME).is_file());
    }

    #[test]
    fn reports_errors_with_location() {
        let err = ProjectFile::parse("[[entity]]\nname = 3\n", "claimlens.toml").unwrap_err();
        assert!(err.to_string().contains("claimlens.toml"), "{err}");
        assert!(err.message.contains("line 2"), "{}", err.message);
        let err =
            ProjectFile::parse("[[entity]]\nname = \"X\"\ntype = \"robot\"\n", "c").unwrap_err();
        assert!(
            err.message.contains("robot") || err.message.contains("variant"),
            "{}",
            err.message
        );
        assert!(ProjectFile::parse("[bogus]\n", "c").is_err());
    }
}
