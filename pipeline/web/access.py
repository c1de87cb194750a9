"""Datasette's own pages made accessible (WCAG 2.1 AA, as axe-core checks it): its
templates are read as Datasette ships them and given what they lack: `<html lang="en">`,
a name for each of the table page's filter and sort controls and for the SQL editor. Colours and
underlined links come from our stylesheet. A template whose text has moved on (a newer
Datasette) is served as it is; the browser tests say so.
"""

from __future__ import annotations

from collections.abc import Callable

from jinja2 import BaseLoader, ChoiceLoader, Environment, TemplateNotFound

# template → (text as shipped, text served)
PATCHES: dict[str, tuple[tuple[str, str], ...]] = {
    "base.html": (("<html>", '<html lang="en">'),),
    # the SQL editor's own input (CodeMirror makes it) gets the name its textarea has none of
    "_codemirror_foot.html": (
        ('        cmResize(editor, {resizableWidth: false});',
         '        editor.getInputField().setAttribute("aria-label", "SQL query");\n'
         '        cmResize(editor, {resizableWidth: false});'),
    ),
    "database.html": (('<textarea id="sql-editor" name="sql">',
                       '<textarea id="sql-editor" name="sql" aria-label="SQL query">'),),
    "query.html": (('<textarea id="sql-editor" name="sql"',
                    '<textarea id="sql-editor" name="sql" aria-label="SQL query"'),),
    "table.html": (
        ('<select name="_filter_column_{{ loop.index }}">',
         '<select name="_filter_column_{{ loop.index }}" aria-label="Column">'),
        ('<select name="_filter_op_{{ loop.index }}">',
         '<select name="_filter_op_{{ loop.index }}" aria-label="Comparison">'),
        ('name="_filter_value_{{ loop.index }}" class="filter-value"',
         'name="_filter_value_{{ loop.index }}" aria-label="Value" class="filter-value"'),
        ('<select name="_filter_column">', '<select name="_filter_column" aria-label="Column">'),
        ('<select name="_filter_op">', '<select name="_filter_op" aria-label="Comparison">'),
        ('name="_filter_value" class="filter-value"',
         'name="_filter_value" aria-label="Value" class="filter-value"'),
        ('<select name="_sort" id="sort_by">',
         '<select name="_sort" id="sort_by" aria-label="Sort by">'),
    ),
}  # fmt: skip


class _Patched(BaseLoader):
    def __init__(self, shipped: BaseLoader) -> None:
        self.shipped = shipped

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        if template not in PATCHES:
            raise TemplateNotFound(template)
        source, filename, uptodate = self.shipped.get_source(environment, f"default:{template}")
        for old, new in PATCHES[template]:
            source = source.replace(old, new)
        return source, filename, uptodate

    def list_templates(self) -> list[str]:
        return sorted(PATCHES)


def patch_templates(env: Environment) -> None:
    """Serve Datasette's base and table templates with what they lack (see above)
    (our template directory has neither)."""
    shipped = env.loader
    assert shipped is not None
    env.loader = ChoiceLoader([_Patched(shipped), shipped])
