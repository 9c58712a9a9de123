//! Reading data: TOML, JSON and CSV files (or the bundled seeds) into a [`Dataset`], with
//! every problem reported as a [`Diagnostic`] that names its file, line and column.

mod csv;
pub mod diagnostic;
mod fields;
mod json;
mod raw;
mod schema;
mod toml;
mod tree;

use std::hash::BuildHasher;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::NaiveDate;

use crate::model::{Dataset, DealId, Entity, EntityId};

pub use diagnostic::{Diagnostic, Diagnostics, Files, Loc, Severity, SourceFile};
use raw::{Part, Pending};

/// The seeds dataset extracted from the five source articles, compiled into the binary.
pub const BUNDLED: &[(&str, &str)] = &[
    (
        "seeds/entities.toml",
        include_str!("../../seeds/entities.toml"),
    ),
    ("seeds/deals.toml", include_str!("../../seeds/deals.toml")),
];

/// How to load.
#[derive(Clone, Copy, Debug)]
pub struct LoadOptions {
    /// Create entities that deals name but nobody declared, instead of failing.
    pub auto_entities: bool,
    /// Reports dated after this are errors.
    pub today: NaiveDate,
    /// Bytes read so far are added here, so a caller can show how far a long load has got.
    pub progress: Option<&'static AtomicU64>,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            auto_entities: false,
            today: chrono::Local::now().date_naive(),
            progress: None,
        }
    }
}

/// A successful load: the data, and any warnings about it.
#[derive(Debug)]
pub struct Loaded {
    pub dataset: Dataset,
    pub warnings: Diagnostics,
    /// Entities created by `--auto-entities`.
    pub auto_created: usize,
    /// The files read, for refusing to overwrite them.
    pub paths: Vec<PathBuf>,
}

/// Why nothing was loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The arguments point at nothing loadable (exit code 2).
    #[error("{message}")]
    Usage { message: String, help: String },
    /// The data has errors (exit code 1); warnings are included.
    #[error("{} error(s) in the data", .0.error_count())]
    Invalid(Diagnostics),
}

/// Interns repeated strings (sources, publishers) so each is stored once.
#[derive(Debug, Default)]
pub struct Interner {
    strings: hashbrown::HashSet<Arc<str>>,
    /// The string returned last: rows of one file mostly repeat it.
    last: Option<Arc<str>>,
}

impl Interner {
    pub fn intern(&mut self, s: &str) -> Arc<str> {
        if let Some(last) = &self.last
            && **last == *s
        {
            return last.clone();
        }
        let arc = match self.strings.get(s) {
            Some(existing) => existing.clone(),
            None => {
                let arc: Arc<str> = Arc::from(s);
                self.strings.insert(arc.clone());
                arc
            }
        };
        self.last = Some(arc.clone());
        arc
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Toml,
    Json,
    Csv,
}

impl Format {
    fn of(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "toml" => Some(Format::Toml),
            "json" => Some(Format::Json),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }
}

/// Loads the bundled seeds dataset.
pub fn load_bundled(options: LoadOptions) -> Result<Loaded, LoadError> {
    let mut loader = Loader::new(options);
    for (name, text) in BUNDLED {
        loader.text(name.to_string(), Arc::from(*text), Format::Toml);
    }
    loader.finish(Vec::new())
}

/// The data files that [`load_paths`] would read, in the order it reads them.
pub fn data_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, LoadError> {
    Ok(expand(paths)?.into_iter().map(|(p, _)| p).collect())
}

/// Whether the file starts with a UTF-16 byte-order mark, or its first characters are ASCII
/// with a zero byte beside each (UTF-16 without a mark).
fn looks_utf16(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 64];
    let Ok(mut f) = std::fs::File::open(path) else {
        return false;
    };
    let mut n = 0;
    while n < head.len() {
        match f.read(&mut head[n..]) {
            Ok(0) | Err(_) => break,
            Ok(k) => n += k,
        }
    }
    let head = &head[..n & !1];
    if head.starts_with(&[0xff, 0xfe]) || head.starts_with(&[0xfe, 0xff]) {
        return true;
    }
    let zeros = |offset: usize| head.iter().skip(offset).step_by(2).all(|&b| b == 0);
    head.len() >= 4 && (zeros(0) || zeros(1))
}

/// A reader that adds the bytes it reads to a progress counter.
struct Counting<R> {
    inner: R,
    counter: Option<&'static AtomicU64>,
}

impl<R: std::io::Read> std::io::Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(counter) = self.counter {
            counter.fetch_add(n as u64, Ordering::Relaxed);
        }
        Ok(n)
    }
}

/// Loads files and folders (folders: every .toml, .json and .csv inside, recursively, in
/// name order).
///
/// When every file is a CSV, the entities files are read first (in their order), so that
/// the deals files find their ids on the parsing threads instead of numbering them on one
/// (`deals.csv` sorts before `entities.csv`). The result is the same as in name order:
/// entities are declared in the same order, deals are read in the same order, and the
/// diagnostics are put back in the files' order.
pub fn load_paths(paths: &[PathBuf], options: LoadOptions) -> Result<Loaded, LoadError> {
    let files = expand(paths)?;
    let order = read_order(&files);
    let mut loader = Loader::new(options);
    // Where each file's diagnostics are, by its place in `files`.
    let mut found = Vec::with_capacity(files.len());
    for &i in &order {
        let (path, format) = &files[i];
        if *format == Format::Csv {
            loader.seed_ids();
        }
        let start = loader.diags.items.len();
        loader.path(path, *format);
        found.push((i, start..loader.diags.items.len()));
    }
    if order.windows(2).any(|w| w[0] > w[1]) {
        found.sort_by_key(|(i, _)| *i);
        let mut items: Vec<Option<Diagnostic>> = std::mem::take(&mut loader.diags.items)
            .into_iter()
            .map(Some)
            .collect();
        loader.diags.items = found
            .into_iter()
            .flat_map(|(_, range)| range)
            .filter_map(|k| items[k].take())
            .collect();
    }
    loader.finish(files.into_iter().map(|(p, _)| p).collect())
}

/// The order to read `files` in: entities CSVs first when every file is a CSV (see
/// [`load_paths`]), else as given.
fn read_order(files: &[(PathBuf, Format)]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..files.len()).collect();
    if files.len() > 1 && files.iter().all(|(_, f)| *f == Format::Csv) {
        // A stable sort: entities files keep their order, and so do deals files.
        order.sort_by_cached_key(|&i| !csv::holds_entities(&files[i].0));
    }
    order
}

/// Loads TOML, JSON or CSV text given in memory (`name` decides the format by extension).
pub fn load_str(name: &str, text: &str, options: LoadOptions) -> Result<Loaded, LoadError> {
    let format = Format::of(Path::new(name)).ok_or_else(|| unsupported(Path::new(name)))?;
    let mut loader = Loader::new(options);
    if format == Format::Csv {
        let file = loader
            .diags
            .files
            .add(SourceFile::with_text(name.to_string(), Arc::from(text)));
        loader.csv(file, name, Some(text.len() as u64), text.as_bytes());
    } else {
        loader.text(name.to_string(), Arc::from(text), format);
    }
    loader.finish(Vec::new())
}

fn unsupported(path: &Path) -> LoadError {
    LoadError::Usage {
        message: format!("{}: unsupported file type", path.display()),
        help: "dealgraph reads .toml, .json and .csv files (or folders of them)".into(),
    }
}

/// The largest data file read, in bytes, unless the environment variable
/// [`MAX_INPUT_ENV`] says otherwise (8 GiB: twice the 50-million-deal CSV).
pub const MAX_INPUT_BYTES: u64 = 8 << 30;

/// The environment variable that raises (or lowers) [`MAX_INPUT_BYTES`]: a number of bytes.
pub const MAX_INPUT_ENV: &str = "DEALGRAPH_MAX_INPUT_BYTES";

fn max_input_bytes() -> Result<u64, LoadError> {
    match std::env::var(MAX_INPUT_ENV) {
        Err(_) => Ok(MAX_INPUT_BYTES),
        Ok(text) => text.trim().parse().map_err(|_| LoadError::Usage {
            message: format!("{MAX_INPUT_ENV}={text:?} is not a number of bytes"),
            help: format!("e.g. {MAX_INPUT_ENV}=20000000000 for 20 GB"),
        }),
    }
}

/// Only regular files are read: a device such as `/dev/zero` never ends, and a FIFO can be
/// read only once. Files above the size limit are refused before reading.
fn check_readable(path: &Path, meta: &std::fs::Metadata, limit: u64) -> Result<(), LoadError> {
    if !meta.is_file() {
        return Err(LoadError::Usage {
            message: format!(
                "{} is not a regular file (a device, FIFO or socket)",
                path.display()
            ),
            help: "--data reads regular files and folders; save the data to a file first".into(),
        });
    }
    if meta.len() > limit {
        return Err(LoadError::Usage {
            message: format!(
                "{} is {} bytes, more than the limit of {limit} bytes",
                path.display(),
                meta.len()
            ),
            help: format!("raise the limit with the environment variable {MAX_INPUT_ENV}"),
        });
    }
    Ok(())
}

fn expand(paths: &[PathBuf]) -> Result<Vec<(PathBuf, Format)>, LoadError> {
    let limit = max_input_bytes()?;
    let mut out = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| LoadError::Usage {
            message: format!("cannot read {}: {e}", path.display()),
            help: "check the --data path; it may be a file or a folder".into(),
        })?;
        if meta.is_dir() {
            let before = out.len();
            walk(path, &mut out).map_err(|e| LoadError::Usage {
                message: format!("cannot list {}: {e}", path.display()),
                help: "check the folder's permissions".into(),
            })?;
            if out.len() == before {
                return Err(LoadError::Usage {
                    message: format!("{} holds no .toml, .json or .csv files", path.display()),
                    help: "point --data at a data file or a folder that holds some".into(),
                });
            }
        } else {
            let format = Format::of(path).ok_or_else(|| unsupported(path))?;
            check_readable(path, &meta, limit)?;
            out.push((path.clone(), format));
        }
    }
    // Files found in folders are checked too (a FIFO named deals.csv inside one).
    for (path, _) in &out {
        let meta = std::fs::metadata(path).map_err(|e| LoadError::Usage {
            message: format!("cannot read {}: {e}", path.display()),
            help: "check the file's permissions".into(),
        })?;
        check_readable(path, &meta, limit)?;
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<(PathBuf, Format)>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, out)?;
        } else if let Some(format) = Format::of(&path) {
            out.push((path, format));
        }
    }
    Ok(())
}

/// Collects entities and deals from every file, then resolves references across all of them.
struct Loader {
    options: LoadOptions,
    diags: Diagnostics,
    /// Entities and deals of every file, in reading order.
    pending: Pending,
    interner: Interner,
    /// The ids numbered so far, for the threads that parse CSV files.
    ids: csv::SymbolCache,
}

impl Loader {
    fn new(options: LoadOptions) -> Loader {
        Loader {
            options,
            diags: Diagnostics::default(),
            pending: Pending::default(),
            interner: Interner::default(),
            ids: csv::SymbolCache::default(),
        }
    }

    /// While no deal has named an entity, numbers the entities declared so far as the first
    /// symbols, which the CSV id cache learns: the first ones on another core while they
    /// are indexed (the two take about as long).
    fn seed_ids(&mut self) {
        let parallel = crate::parallel::cores() > 1;
        let (symbols, cache) = (&mut self.pending.symbols, &mut self.ids);
        if symbols.len() == 0 {
            // Nothing numbered yet (and so nothing in the cache): the entities are numbered,
            // and the cache learns them, while they are indexed.
            let seeded = self.pending.declared.settle_beside(parallel, |entities| {
                symbols.seed(entities.iter().map(|e| e.id.as_str()));
                cache.seed(0, entities.iter().map(|e| e.id.as_str()));
            });
            if seeded.is_some() {
                return;
            }
            // An id was declared twice, and the entities added again one by one.
            *symbols = raw::Symbols::default();
            *cache = csv::SymbolCache::default();
        }
        self.pending.declared.settle();
        let entities = self.pending.declared.dataset.entities();
        let from = self.pending.symbols.seeded();
        let ids = || {
            entities[from.min(entities.len())..]
                .iter()
                .map(|e| e.id.as_str())
        };
        // Symbols are seeded (and learnt by the cache) while no deal has named an id.
        let symbols = &mut self.pending.symbols;
        if ids().len() > 0 && symbols.len() == symbols.seeded() {
            let seeded = symbols.seed(ids());
            debug_assert!(seeded);
            self.ids.seed(from as u32, ids());
        }
    }

    fn path(&mut self, path: &Path, format: Format) {
        let name = path.display().to_string();
        if looks_utf16(path) {
            let file = self
                .diags
                .files
                .add(SourceFile::streamed(name.clone(), path.to_path_buf()));
            self.diags.push(
                Diagnostic::error(format!("{name} is UTF-16, not UTF-8"), Loc::File(file))
                    .with_help("this file is UTF-16; save it as UTF-8 (in Excel: CSV UTF-8)"),
            );
            return;
        }
        if format == Format::Csv {
            let file = self
                .diags
                .files
                .add(SourceFile::streamed(name.clone(), path.to_path_buf()));
            match std::fs::File::open(path) {
                Ok(f) => {
                    let len = f.metadata().ok().map(|m| m.len());
                    let counted = Counting {
                        inner: f,
                        counter: self.options.progress,
                    };
                    // Smaller than a block (chunked::BLOCK_BYTES): the blocks are read past
                    // the buffer, straight into their own memory, not copied out of it.
                    let reader = std::io::BufReader::with_capacity(64 << 10, counted);
                    self.csv(file, &name, len, reader)
                }
                Err(e) => self.diags.push(Diagnostic::error(
                    format!("cannot read {name}: {e}"),
                    Loc::File(file),
                )),
            }
            return;
        }
        let read = std::fs::read(path);
        if let (Ok(bytes), Some(counter)) = (&read, self.options.progress) {
            counter.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        }
        match read {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => self.text(name, Arc::from(text), format),
                Err(e) => {
                    let offset = e.utf8_error().valid_up_to();
                    let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
                    let file = self
                        .diags
                        .files
                        .add(SourceFile::with_text(name, Arc::from(lossy)));
                    self.diags.push(
                        Diagnostic::error(
                            "the file is not valid UTF-8",
                            Loc::span(file, offset..offset + 1),
                        )
                        .with_help("save the file as UTF-8"),
                    );
                }
            },
            Err(e) => {
                let file = self
                    .diags
                    .files
                    .add(SourceFile::streamed(name.clone(), path.into()));
                self.diags.push(Diagnostic::error(
                    format!("cannot read {name}: {e}"),
                    Loc::File(file),
                ));
            }
        }
    }

    fn csv(
        &mut self,
        file: diagnostic::FileId,
        name: &str,
        len: Option<u64>,
        reader: impl std::io::Read + Send,
    ) {
        let stem = Path::new(name).file_stem().map_or_else(
            || "row".to_string(),
            |s| s.to_string_lossy().to_lowercase().replace(' ', "-"),
        );
        let input = csv::CsvFile {
            id: file,
            stem: &stem,
            len,
        };
        csv::parse(
            reader,
            input,
            self.options.today,
            &mut self.diags.items,
            &mut self.interner,
            &mut self.pending,
            &mut self.ids,
        );
    }

    fn text(&mut self, name: String, text: Arc<str>, format: Format) {
        let file = self
            .diags
            .files
            .add(SourceFile::with_text(name, text.clone()));
        let body = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let offset = text.len() - body.len();
        if body.trim().is_empty() {
            self.diags.push(
                Diagnostic::error("the file is empty", Loc::File(file))
                    .with_help("add [[entity]] and [[deal]] tables; see docs/data-format.md"),
            );
            return;
        }
        let mut items = Vec::new();
        let tree = match format {
            Format::Toml => toml::parse(body, file, &mut items),
            Format::Json => json::parse(body, file, &mut items),
            Format::Csv => unreachable!("CSV is streamed"),
        };
        // Spans are relative to the text without its byte-order mark.
        for d in &mut items {
            shift(d, offset);
            if tree.is_none() {
                add_format_hint(d, body, format);
            }
        }
        self.diags.items.extend(items);
        let Some(mut tree) = tree else { return };
        if offset > 0 {
            shift_node(&mut tree, offset);
        }
        let mut walker = schema::Walker {
            file,
            today: self.options.today,
            diags: &mut self.diags.items,
            interner: &mut self.interner,
        };
        let raw = walker.document(&tree);
        for entity in raw.entities {
            self.pending.declared.add(entity);
        }
        for deal in raw.deals {
            self.pending.push_tree(deal);
        }
    }

    fn finish(mut self, paths: Vec<PathBuf>) -> Result<Loaded, LoadError> {
        self.pending.declared.settle();
        let mut pending = std::mem::take(&mut self.pending);
        pending.symbols.stop_interning();
        let declared = std::mem::take(&mut pending.declared);
        let (mut dataset, mut entity_locs) = (declared.dataset, declared.locs);
        self.diags.items.extend(declared.duplicates);
        let mut auto_created = 0;
        let mut used = vec![false; dataset.entities().len()];
        // Each symbol is looked up once: the entity it names, MISSING, or UNSEEN (not yet).
        const UNSEEN: u32 = u32::MAX;
        const MISSING: u32 = u32::MAX - 1;
        let mut resolved = vec![UNSEEN; pending.symbols.len()];
        // Seeded symbols are the entities first declared, numbered as they are.
        let seeded = pending.symbols.seeded();
        for (i, slot) in resolved[..seeded].iter_mut().enumerate() {
            *slot = i as u32;
        }
        if !self.options.auto_entities {
            // No entity is added below: every symbol can be looked up now, on every core.
            let (symbols, dataset) = (&pending.symbols, &dataset);
            crate::parallel::for_parts(&mut resolved[seeded..], 1 << 15, |start, part| {
                for (i, slot) in part.iter_mut().enumerate() {
                    let found = dataset.by_id(symbols.name((seeded + start + i) as u32));
                    *slot = found.map_or(MISSING, |e| e.0);
                }
            });
        }
        // Deals accepted so far, by id (indices into `pending.deals`, hashed by their id).
        // Made-up ids are left out when they are unique by construction.
        let check_made_up = pending.made_up_ids_may_collide();
        let to_check = (!check_made_up).then(|| deals_to_check(&pending, &mut used));
        // Room for every deal whose id is checked (those left to check are at most those).
        let checked = to_check.as_ref().map_or(pending.deals.len(), Vec::len);
        let hasher = hashbrown::DefaultHashBuilder::default();
        let mut seen_ids: hashbrown::HashTable<u32> = hashbrown::HashTable::with_capacity(checked);
        let indices: Box<dyn Iterator<Item = usize>> = match &to_check {
            Some(some) => Box::new(some.iter().map(|&i| i as usize)),
            None => Box::new(0..pending.deals.len()),
        };
        for i in indices {
            let mut ends = [None, None];
            for (slot, (part, role)) in ends
                .iter_mut()
                .zip([(Part::From, "from"), (Part::To, "to")])
            {
                let deal = pending.deals.get(DealId(i as u32));
                let symbol = if part == Part::From {
                    deal.from().0
                } else {
                    deal.to().0
                };
                // The name is read only when needed: for most references the symbol is
                // resolved already, and reading its text is two cache misses.
                let known = match resolved[symbol as usize] {
                    UNSEEN => {
                        let found = dataset.by_id(pending.symbols.name(symbol));
                        resolved[symbol as usize] = found.map_or(MISSING, |e| e.0);
                        found
                    }
                    MISSING => None,
                    e => Some(EntityId(e)),
                };
                let name = || pending.symbols.name(symbol);
                *slot = match known {
                    Some(e) => Some(e),
                    None if self.options.auto_entities => {
                        let name = name();
                        // A created entity obeys the id rules a declared one does, so what
                        // `list` writes loads back.
                        if let Err(d) = fields::slug(name, "entity", pending.loc(i, part)) {
                            self.diags.push(d);
                            resolved[symbol as usize] = MISSING;
                            continue;
                        }
                        auto_created += 1;
                        let e = dataset
                            .add_entity(Entity::placeholder(name))
                            .unwrap_or_else(|e| e);
                        resolved[symbol as usize] = e.0;
                        entity_locs.push(pending.loc(i, part));
                        used.push(false);
                        Some(e)
                    }
                    None => {
                        let name = name();
                        let help = match dataset.closest_key(name) {
                            Some(best) => format!(
                                "did you mean {best:?}? Otherwise declare {name:?} as an entity, or pass --auto-entities",
                            ),
                            None => format!(
                                "declare {name:?} in an [[entity]] table (or an entities CSV), or pass --auto-entities",
                            ),
                        };
                        self.diags.push(
                            Diagnostic::error(
                                format!("`{role}` names entity {name:?}, which is not declared"),
                                pending.loc(i, part),
                            )
                            .with_help(help),
                        );
                        None
                    }
                };
            }
            let [Some(from), Some(to)] = ends else {
                continue;
            };
            let deal = pending.deals.get(DealId(i as u32));
            if from == to {
                self.diags.push(
                    Diagnostic::error(
                        format!(
                            "deal {:?} has {:?} paying itself",
                            deal.id(),
                            pending.symbols.name(deal.from().0)
                        ),
                        pending.loc(i, Part::To),
                    )
                    .with_help("a deal needs two different parties; check `from` and `to`"),
                );
                continue;
            }
            if !check_made_up && pending.made_up_id(i) {
                used[from.index()] = true;
                used[to.index()] = true;
                pending.deals.set_parties(DealId(i as u32), from, to);
                continue;
            }
            let deals = &pending.deals;
            let id = deal.id();
            let hash = hasher.hash_one(id.as_str());
            if let Some(&first) = seen_ids.find(hash, |&j| deals.get(DealId(j)).id() == id) {
                self.diags.push(
                    Diagnostic::error(
                        format!("deal id {id:?} is used twice"),
                        pending.loc(i, Part::Id),
                    )
                    .with_related(pending.loc(first as usize, Part::Id), "first used here")
                    .with_help("give each deal its own id; several reports of one deal go under one [[deal]] as [[deal.report]]"),
                );
                continue;
            }
            seen_ids.insert_unique(hash, i as u32, |&j| {
                hasher.hash_one(deals.get(DealId(j)).id().as_str())
            });
            used[from.index()] = true;
            used[to.index()] = true;
            pending.deals.set_parties(DealId(i as u32), from, to);
        }
        drop(seen_ids);
        if !self.diags.has_errors() {
            for (i, entity) in dataset.entities().iter().enumerate() {
                if !used[i] {
                    self.diags.push(
                        Diagnostic::warning(
                            format!("entity {:?} is in no deal", entity.id),
                            entity_locs.get(i),
                        )
                        .with_help("that is fine for context; it will not appear in graphs"),
                    );
                }
            }
        }
        if self.diags.has_errors() {
            return Err(LoadError::Invalid(self.diags));
        }
        // Without errors every deal passed the checks above and now names its entities.
        dataset.set_deals(pending.deals);
        Ok(Loaded {
            dataset,
            warnings: self.diags,
            auto_created,
            paths,
        })
    }
}

/// The deals that [`Loader::finish`] must check one by one, in order, when made-up ids
/// cannot collide; the others (a made-up id, and two different entities declared before any
/// deal, whose symbols are the entities themselves) only mark their entities in `used`,
/// which is done here on every core.
fn deals_to_check(pending: &Pending, used: &mut [bool]) -> Vec<u32> {
    let seeded = pending.symbols.seeded() as u32;
    let deals = pending.deals.len();
    // Without a written id, every deal's id is made up.
    let all_made_up = pending.deals.written_id_count() == 0;
    // One part of the deals per core, each marking entities in a bit set of its own (marks
    // shared between cores would bounce their cache lines from core to core).
    struct Part {
        deals: std::ops::Range<usize>,
        left: Vec<u32>,
        marks: Vec<u64>,
    }
    let per_core = deals.div_ceil(crate::parallel::cores()).max(1);
    let mut parts: Vec<Part> = (0..deals.div_ceil(per_core))
        .map(|k| Part {
            deals: k * per_core..((k + 1) * per_core).min(deals),
            left: Vec::new(),
            marks: Vec::new(),
        })
        .collect();
    crate::parallel::for_parts(&mut parts, 1, |_, part| {
        for p in part {
            p.marks = vec![0; used.len().div_ceil(64)];
            for i in p.deals.clone() {
                let deal = pending.deals.get(DealId(i as u32));
                let (from, to) = (deal.from().0, deal.to().0);
                let made_up = all_made_up || pending.made_up_id(i);
                if from < seeded && to < seeded && from != to && made_up {
                    p.marks[from as usize / 64] |= 1 << (from % 64);
                    p.marks[to as usize / 64] |= 1 << (to % 64);
                } else {
                    p.left.push(i as u32);
                }
            }
        }
    });
    for p in &parts {
        for (w, &bits) in p.marks.iter().enumerate() {
            let mut bits = bits;
            while bits != 0 {
                used[w * 64 + bits.trailing_zeros() as usize] = true;
                bits &= bits - 1;
            }
        }
    }
    parts.into_iter().flat_map(|p| p.left).collect()
}

fn shift(d: &mut Diagnostic, offset: usize) {
    if offset == 0 {
        return;
    }
    let fix = |loc: &mut Loc| {
        if let Loc::Span { start, end, .. } = loc {
            *start += offset as u32;
            *end += offset as u32;
        }
    };
    if let Some(l) = d.loc.as_mut() {
        fix(l);
    }
    if let Some(related) = d.related.as_mut() {
        fix(&mut related.0);
    }
}

fn shift_node(node: &mut tree::Node, offset: usize) {
    node.span = node.span.start + offset..node.span.end + offset;
    match &mut node.value {
        tree::Value::Array(items) => items.iter_mut().for_each(|n| shift_node(n, offset)),
        tree::Value::Table(entries) => {
            for (k, n) in entries {
                k.span = k.span.start + offset..k.span.end + offset;
                shift_node(n, offset);
            }
        }
        _ => {}
    }
}

/// A TOML file that is really JSON (or the reverse) gets a hint saying so.
fn add_format_hint(d: &mut Diagnostic, body: &str, format: Format) {
    let start = body.trim_start();
    let looks_json = start.starts_with('{') || (start.starts_with('[') && !start.starts_with("[["));
    // `[[entity]]`, not a JSON array of arrays such as `[[[1]]]` or `[[1, 2]]`.
    let toml_header = start
        .strip_prefix("[[")
        .and_then(|rest| rest.chars().next())
        .is_some_and(|c| c.is_ascii_alphabetic());
    let looks_toml = toml_header || start.lines().next().is_some_and(|l| l.contains(" = "));
    match format {
        Format::Toml if looks_json => {
            d.help = Some("this file looks like JSON: rename it to .json".into());
        }
        Format::Json if looks_toml => {
            d.help = Some("this file looks like TOML: rename it to .toml".into());
        }
        _ => {}
    }
}
