//! Where results go: stdout, or the `--out` path through [`write_to`]: a new path or a
//! regular file is replaced atomically (a temporary file in the same folder, renamed into
//! place), never one of the input data files; a device or FIFO is written in place.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::{CliError, CliResult, Context};

/// Writes `bytes` to stdout.
pub fn stdout(bytes: &[u8]) -> CliResult {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()?;
    Ok(())
}

/// Writes `bytes` to `path` with [`write_to`], refusing to write over an input data file.
pub fn file(ctx: &Context, path: &Path, bytes: &[u8]) -> CliResult {
    let target = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    for input in &ctx.loaded.paths {
        let input = std::fs::canonicalize(input).unwrap_or_else(|_| input.clone());
        let same = std::fs::canonicalize(&target).is_ok_and(|t| t == input);
        if same {
            return Err(CliError::usage_help(
                format!(
                    "refusing to write over the input data file {}",
                    path.display()
                ),
                "choose another --out path",
            ));
        }
    }
    write_to(path, |w| w.write_all(bytes))
}

/// Writes what `write` produces to `path`, buffered:
/// - `-` is stdout;
/// - a new path or a regular file goes through a temporary file in the same folder, renamed
///   into place once complete, so readers see the old file or the whole new one (a replaced
///   file keeps its permissions; a new one gets 0666 less the umask);
/// - anything else that exists (a device such as `/dev/null`, a FIFO, a terminal) is opened
///   and written in place: renaming over it would replace it with a regular file;
/// - a folder is an error.
///
/// Every command that writes a file (`map --out`, `generate --out`) goes through here.
pub fn write_to(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> CliResult {
    let cannot = |e: &dyn std::fmt::Display| {
        CliError::usage(format!("cannot write {}: {e}", path.display()))
    };
    if path.as_os_str() == "-" {
        return buffered(std::io::stdout().lock(), write);
    }
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Err(cannot(&"it is a folder")),
        Ok(meta) if !meta.is_file() => {
            let special = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(|e| cannot(&e))?;
            buffered(special, write)
        }
        existing => replace(path, existing.ok(), write),
    }
}

/// Temporary files being written now: removed if the process is interrupted.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// On SIGINT or SIGTERM, removes the temporary file of a `--out` being written and exits
/// with 128 + the signal (130, 143), as a shell reports an interrupted command. Without this
/// an interrupted export left a hidden partial `.dealgraph-XXXXXX` (16–40 MB) behind.
pub fn clean_up_on_signals() {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
            return;
        };
        let _ = std::thread::Builder::new()
            .name("signals".into())
            .spawn(move || {
                if let Some(signal) = signals.forever().next() {
                    let pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
                    for path in pending.iter() {
                        let _ = std::fs::remove_file(path);
                    }
                    std::process::exit(128 + signal);
                }
            });
    }
}

/// Keeps a temporary file's path in [`PENDING`] while it lives.
struct Pending(PathBuf);

impl Pending {
    fn new(path: &Path) -> Pending {
        let mut pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
        pending.push(path.to_path_buf());
        Pending(path.to_path_buf())
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        let mut pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
        pending.retain(|p| *p != self.0);
    }
}

/// Writes through a buffer into `out` and flushes it.
fn buffered(
    out: impl Write,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> CliResult {
    let mut buf = BufWriter::with_capacity(1 << 20, out);
    write(&mut buf)?;
    buf.flush()?;
    Ok(())
}

/// Writes a temporary file beside `path` and renames it over `path` (new, or the regular
/// file described by `existing`).
fn replace(
    path: &Path,
    existing: Option<std::fs::Metadata>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> CliResult {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(".dealgraph-");
    // Like any new file (0666 less the umask), not the private 0600 of a temporary file.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let tmp = builder
        .tempfile_in(dir)
        .map_err(|e| CliError::usage(format!("cannot write in {}: {e}", dir.display())))?;
    let _pending = Pending::new(tmp.path());
    // A replaced file keeps its permissions.
    if let Some(meta) = existing {
        tmp.as_file().set_permissions(meta.permissions())?;
    }
    let mut buf = BufWriter::with_capacity(1 << 20, tmp);
    write(&mut buf)?;
    let tmp = buf.into_inner().map_err(|e| e.into_error())?;
    tmp.as_file().sync_all()?;
    tmp.persist(path)
        .map_err(|e| CliError::usage(format!("cannot write {}: {}", path.display(), e.error)))?;
    Ok(())
}
