//! Where results go: stdout, or a file written atomically (a temporary file in the same
//! folder, renamed into place), never over one of the input data files.

use std::io::Write;
use std::path::Path;

use super::{CliError, CliResult, Context};

/// Writes `bytes` to stdout.
pub fn stdout(bytes: &[u8]) -> CliResult {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()?;
    Ok(())
}

/// Writes `bytes` to `path` atomically: readers see the old file or the whole new one.
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
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".dealgraph-")
        .tempfile_in(dir)
        .map_err(|e| CliError::usage(format!("cannot write in {}: {e}", dir.display())))?;
    tmp.write_all(bytes)?;
    // The temporary file is private (0600); give the result the usual permissions, or keep
    // those of the file it replaces.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&target).map_or(0o644, |m| m.permissions().mode());
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(&target)
        .map_err(|e| CliError::usage(format!("cannot write {}: {}", path.display(), e.error)))?;
    Ok(())
}
