//! Graphviz: finds `dot` on PATH and runs it (through graphviz-rust) on the DOT of
//! [`dot::to_dot`], with the layout engine the user picked.

use std::path::PathBuf;

use graphviz_rust::cmd::{CommandArg, Format, Layout as GvLayout};

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

    fn command(self) -> GvLayout {
        match self {
            GraphvizLayout::Dot => GvLayout::Dot,
            GraphvizLayout::Neato => GvLayout::Neato,
            GraphvizLayout::Sfdp => GvLayout::Sfdp,
            GraphvizLayout::Circo => GvLayout::Circo,
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
    let text = dot::to_dot(spec, data);
    let args = vec![
        CommandArg::Format(Format::Svg),
        CommandArg::Layout(layout.command()),
    ];
    match graphviz_rust::exec_dot(text, args) {
        Ok(bytes) => String::from_utf8(bytes)
            .map_err(|_| SvgError::GraphvizFailed("its SVG is not UTF-8".to_string())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(SvgError::GraphvizMissing),
        Err(e) => Err(SvgError::GraphvizFailed(e.to_string().trim().to_string())),
    }
}
