"""Plain-text and Markdown tables for reports: the CLI, the benchmarks and the pages print with them."""

from __future__ import annotations


def markdown_paragraphs(text: str) -> str:
    """Put a blank line between consecutive lines of a report, except between table rows.

    A plain-text report is one line per fact; rendered as Markdown, consecutive lines would run
    together into one paragraph, and a table needs blank lines around it.
    """
    out: list[str] = []
    for line in text.split("\n"):
        previous = out[-1] if out else ""
        if line and previous and not (line.startswith("|") and previous.startswith("|")):
            out.append("")
        out.append(line)
    return "\n".join(out)


def format_table(rows, *, markdown: bool = False) -> str:
    """Render rows (header first) as aligned plain text, or as a Markdown table."""
    rows = [[str(cell) for cell in row] for row in rows]
    if markdown:
        lines = [
            "| " + " | ".join(rows[0]) + " |",
            "|" + "|".join("---" if i == 0 else "---:" for i in range(len(rows[0]))) + "|",
        ]
        lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
        return "\n".join(lines)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
