//! Graphviz: finds `dot` on PATH and runs it (through graphviz-rust) on the DOT of
//! [`dot::to_dot`], with the layout engine the user picked.

use std::path::PathBuf;

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::SvgError;
use crate::model::Dataset;
use crate::render::dot;
use crate::render::map::MapSpec;

/// The Graphviz layout engine (`dot -K`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GraphvizLayout {
    /// Layered, left to right (the default).
    Dot,
    /// Spring model.
    Neato,
    /// Multiscale spring model, for large graphs.
    Sfdp,
    /// Circular.
    Circo,
}

impl GraphvizLayout {
    pub fn name(self) -> &'static str {
        match self {
            GraphvizLayout::Dot => "dot",
            GraphvizLayout::Neato => "neato",
            GraphvizLayout::Sfdp => "sfdp",
            GraphvizLayout::Circo => "circo",
        }
    }
}

/// Where `dot` is on PATH, if anywhere.
pub fn graphviz_path() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    let names: &[&str] = if cfg!(windows) {
        &["dot.exe", "dot"]
    } else {
        &["dot"]
    };
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| is_executable(p))
}

fn is_executable(path: &std::path::Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.is_file() && meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
}

/// Runs Graphviz (`dot -K<layout> -Tsvg`) on the DOT of `spec`.
pub fn render_graphviz(
    spec: &MapSpec,
    data: &Dataset,
    layout: GraphvizLayout,
) -> Result<String, SvgError> {
    render_graphviz_until(spec, data, layout, None)
}

/// [`render_graphviz`], killing `dot` when `deadline` passes ([`SvgError::TimedOut`]). The
/// DOT goes to `dot`'s stdin (no temporary file), so nothing is left behind either way.
pub fn render_graphviz_until(
    spec: &MapSpec,
    data: &Dataset,
    layout: GraphvizLayout,
    deadline: Option<Instant>,
) -> Result<String, SvgError> {
    let text = dot::to_dot(spec, data);
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .arg(format!("-K{}", layout.name()))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => SvgError::GraphvizMissing,
            _ => SvgError::GraphvizFailed(e.to_string()),
        })?;
    let (Some(mut stdin), Some(mut stdout), Some(mut stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        return Err(SvgError::GraphvizFailed("no pipes to dot".to_string()));
    };
    let writer = std::thread::spawn(move || {
        // A dot that exits early closes the pipe; its status says why.
        let _ = stdin.write_all(text.as_bytes());
    });
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = stdout.read_to_end(&mut out);
        out
    });
    let errors = std::thread::spawn(move || {
        let mut err = String::new();
        let _ = stderr.read_to_string(&mut err);
        err
    });
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if deadline.is_some_and(|d| Instant::now() >= d) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(SvgError::TimedOut);
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(SvgError::GraphvizFailed(e.to_string())),
        }
    };
    let _ = writer.join();
    let out = reader.join().unwrap_or_default();
    let err = errors.join().unwrap_or_default();
    if !status.success() {
        return Err(SvgError::GraphvizFailed(err.trim().to_string()));
    }
    String::from_utf8(out).map_err(|_| SvgError::GraphvizFailed("its SVG is not UTF-8".to_string()))
}
