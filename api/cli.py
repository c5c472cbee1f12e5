"""`ddicat`: the command line of the catalogue, over the same services as the HTTP API.

Every failure ends with a one-line reason on stderr and exit code 1, never a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from catalogue.errors import DdicatError, InvalidInput
from catalogue.imports import ImportReport, Source
from catalogue.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])


class CatalogueGroup(click.Group):
    """Turns the catalogue's errors into one-line messages and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InvalidInput as error:
            click.echo(f"ddicat: error: {error.message}", err=True)
            extra = [p for p in error.problems if p.severity == "error"][1:]
            for problem in extra[:20]:
                click.echo(f"  - {problem}", err=True)
            if len(extra) > 20:
                click.echo(f"  … and {len(extra) - 20} more errors", err=True)
            ctx.exit(1)
        except DdicatError as error:
            click.echo(f"ddicat: error: {error.message}", err=True)
            ctx.exit(1)
        except OSError as error:
            click.echo(f"ddicat: error: {error.strerror or error}: {getattr(error, 'filename', '') or ''}", err=True)
            ctx.exit(1)


def runtime_of(ctx: click.Context) -> Any:
    from api.runtime import Runtime

    obj = ctx.ensure_object(dict)
    if "runtime" not in obj:
        obj["runtime"] = Runtime(obj.get("settings") or Settings())
        ctx.call_on_close(obj["runtime"].close)
    return obj["runtime"]


@click.group(cls=CatalogueGroup)
@click.version_option(package_name="ddicat")
@click.pass_context
def main(ctx: click.Context) -> None:
    """ddicat: a DDI-Lifecycle 3.3 metadata catalogue for longitudinal cohorts."""
    ctx.ensure_object(dict)


def print_report(report: ImportReport) -> None:
    click.echo(
        f"Imported {report.source_name} ({report.source_format}, DDI-L {report.ddi_version}) into study "
        f"{report.study!r}: release {report.release} ({report.status})"
    )
    if report.waves:
        click.echo(f"  waves: {', '.join(report.waves)}")
    for item_type, count in report.counts.items():
        click.echo(f"  {item_type:<18} {count:>8,}")
    click.echo(f"  new item versions: {report.new_items:,}; unchanged: {report.unchanged_items:,}")
    if report.merge is not None:
        merge = report.merge
        matched, data_only, questionnaire_only = (
            list(merge["matched"]), list(merge["data_file_only"]), list(merge["questionnaire_only"])  # type: ignore[call-overload]
        )
        click.echo(f"Merged with the wave's questionnaire by variable name: {len(matched)} matched")
        if data_only:
            click.echo(f"  only in the data file ({len(data_only)}): {', '.join(data_only)}")
        if questionnaire_only:
            click.echo(f"  only in the questionnaire ({len(questionnaire_only)}): {', '.join(questionnaire_only)}")
    warnings = report.warnings
    if warnings:
        click.echo(f"{len(warnings)} warning{'s' if len(warnings) > 1 else ''}:")
        for problem in warnings:
            click.echo(f"  - {problem}")


@main.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--study", required=True, help="Handle of the study (created if new), e.g. elfe.")
@click.option("--wave", help="Import the file as this wave of the study (a document of one wave).")
@click.option("--agency", help="DDI agency for what the catalogue creates (study, waves, items of non-DDI sources).")
@click.option("--lenient", is_flag=True, help="Take what can be read from a file that fails its XSD, with warnings.")
@click.option("--format", "source_format", help="Source format, when detection by content is not enough "
              "(see `ddicat formats`).")
@click.option("--split-languages", metavar="FIRST,SECOND",
              help='Split "Texte / Text" labels into two languages, e.g. fr,en.')
@click.option("--preset", help="Codebook layout: opal, long or wide (default: detected from the header).")
@click.option("--column", "columns", multiple=True, metavar="FIELD=COLUMN",
              help="Codebook column mapping, e.g. --column name=Variable --column label:fr=Libellé (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the import report as JSON.")
@click.pass_context
def import_command(ctx: click.Context, file: Path, study: str, wave: str | None, agency: str | None,
                   lenient: bool, source_format: str | None, split_languages: str | None, preset: str | None,
                   columns: tuple[str, ...], as_json: bool) -> None:
    """Import FILE (DDI-L 3.1, 3.2 or 3.3, or another known format) into a study, in one transaction."""
    runtime = runtime_of(ctx)
    source = Source.from_path(file, max_bytes=runtime.settings.max_upload_bytes)
    split = None
    if split_languages:
        parts = [p.strip() for p in split_languages.split(",") if p.strip()]
        if len(parts) != 2:
            raise click.BadParameter("give two language codes, e.g. fr,en", param_hint="--split-languages")
        split = (parts[0], parts[1])
    mapping = {}
    for column in columns:
        field_name, sep, header = column.partition("=")
        if not sep or not field_name or not header:
            raise click.BadParameter(f"{column!r} is not FIELD=COLUMN", param_hint="--column")
        mapping[field_name.strip()] = header.strip()
    report = runtime.import_file(source, study=study, wave=wave, agency=agency, lenient=lenient,
                                 source_format=source_format, split_languages=split, preset=preset,
                                 column_mapping=mapping or None)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        print_report(report)


@main.command("formats")
def formats_command() -> None:
    """List the source formats ddicat imports (detected by content; force one with --format)."""
    from importers.registry import DDI_FORMAT, importers

    click.echo(f"{DDI_FORMAT:<20} DDI-Lifecycle 3.1, 3.2, 3.3 (.xml)")
    for importer in importers():
        click.echo(f"{importer.name:<20} {importer.title} ({', '.join(importer.extensions)})")


@main.command("export")
@click.option("--study", required=True, help="Handle of the study.")
@click.option("--wave", help="Only this wave (with everything its items refer to).")
@click.option("--format", "form", type=click.Choice(["ddi-l", "fragment"]), default="ddi-l", show_default=True,
              help="A nested DDIInstance, or a FragmentInstance of references.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout).")
@click.pass_context
def export_command(ctx: click.Context, study: str, wave: str | None, form: str, output: Path | None) -> None:
    """Write a study's published metadata as DDI-L 3.3 that validates against the official XSD."""
    from catalogue.exports import study_export
    from catalogue.store.reads import Viewer

    runtime = runtime_of(ctx)
    with runtime.sessions() as session:
        data = study_export(session=session, slug=study, viewer=Viewer.public(), wave=wave, form=form)  # type: ignore[arg-type]
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        output.write_bytes(data)
        click.echo(f"Wrote {output} ({len(data):,} bytes)", err=True)


@main.command("search")
@click.argument("query")
@click.option("--study", multiple=True, help="Only this study (repeatable).")
@click.option("--wave", multiple=True, help="Only this wave (repeatable).")
@click.option("--type", "item_type", multiple=True, help="Only this item type: Variable, QuestionItem...")
@click.option("--lang", help="Only items with text in this language.")
@click.option("--limit", default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the whole answer as JSON.")
@click.pass_context
def search_command(ctx: click.Context, query: str, study: tuple[str, ...], wave: tuple[str, ...],
                   item_type: tuple[str, ...], lang: str | None, limit: int, as_json: bool) -> None:
    """Search variables and questions across studies and waves."""
    from api.search_service import search_query, search_result_json

    runtime = runtime_of(ctx)
    q = search_query(text=query, study=list(study), wave=list(wave), item_type=list(item_type), lang=lang,
                     limit=limit)
    result = runtime.backend.search(q)
    if as_json:
        click.echo(json.dumps(search_result_json(result), ensure_ascii=False, indent=2))
        return
    click.echo(f"{result.total} result{'s' if result.total != 1 else ''}")
    for hit in result.hits:
        from catalogue.model import first_text

        label = first_text(hit.labels) or first_text(hit.question_texts)
        where = hit.study + (f"/{','.join(hit.waves)}" if hit.waves else "")
        click.echo(f"  {hit.name or '-':<24} {label[:70]:<70} [{hit.type}, {where}] {hit.urn}")


SEARCH_BACKENDS = ["tantivy", "whoosh", "postgres"]


def choose_backend(ctx: click.Context, backend: str | None) -> None:
    """Make `backend` the search backend of this command's runtime (not built yet)."""
    if backend:
        obj = ctx.ensure_object(dict)
        settings = obj.get("settings") or Settings()
        obj["settings"] = settings.model_copy(update={"search_backend": backend})


@main.command("reindex")
@click.option("--backend", type=click.Choice(SEARCH_BACKENDS), help="Rebuild this backend's index.")
@click.pass_context
def reindex_command(ctx: click.Context, backend: str | None) -> None:
    """Rebuild the search index from the database alone."""
    from search.consistency import document_total

    choose_backend(ctx, backend)
    runtime = runtime_of(ctx)
    with runtime.sessions() as session:
        total = document_total(session)
    with click.progressbar(length=total, label="Indexing", show_pos=True, show_percent=True) as bar:
        count = runtime.indexer.rebuild(progress=bar.update)
    click.echo(f"Indexed {count:,} documents with {runtime.settings.search_backend}")


@main.command("search-check")
@click.option("--backend", type=click.Choice(SEARCH_BACKENDS), help="Check this backend's index.")
@click.option("--limit", default=20, show_default=True, help="Items listed per kind of difference.")
@click.pass_context
def search_check_command(ctx: click.Context, backend: str | None, limit: int) -> None:
    """Compare the search index with the database: counts per study, wave and type; missing and stale items."""
    from search.consistency import index_check

    choose_backend(ctx, backend)
    runtime = runtime_of(ctx)
    with runtime.sessions() as session:
        check = index_check(session=session, backend=runtime.backend,
                            indexed_generation=runtime.coordination.last_generation())
    for line in check.report(limit):
        click.echo(line)
    if not check.ok:
        ctx.exit(1)


@main.command("demo")
@click.pass_context
def demo_command(ctx: click.Context) -> None:
    """Load the two demo cohorts of examples/ through the ordinary import path."""
    runtime = runtime_of(ctx)
    reports = runtime.load_demo()
    for report in reports:
        print_report(report)
    if not reports:
        click.echo("The demo cohorts are already loaded and unchanged.")


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True)
@click.option("--workers", default=1, show_default=True, help="Number of worker processes.")
@click.pass_context
def serve_command(ctx: click.Context, host: str, port: int, workers: int) -> None:
    """Serve the catalogue's pages and API."""
    import uvicorn

    runtime = runtime_of(ctx)
    runtime.engine  # noqa: B018 - migrate before the workers start
    runtime.indexer.sync(wait=True)
    click.echo(f"Serving the catalogue at http://{host}:{port}/ (API at /api/v1, documentation at /docs)")
    uvicorn.run("api.app:create_app", factory=True, host=host, port=port, workers=workers, log_level="info")


@main.group("schemas")
def schemas_group() -> None:
    """The official DDI-L XSDs: fetch, locate, verify."""


@schemas_group.command("path")
@click.pass_context
def schemas_path(ctx: click.Context) -> None:
    """Print where the catalogue looks for the XSDs."""
    settings = ctx.ensure_object(dict).get("settings") or Settings()
    click.echo(str(settings.resolved_ddi_schemas))


@schemas_group.command("verify")
@click.pass_context
def schemas_verify(ctx: click.Context) -> None:
    """Check every XSD file against the pinned SHA-256 sums."""
    from ddi_schemas.locate import verify_root

    settings = ctx.ensure_object(dict).get("settings") or Settings()
    root = settings.resolved_ddi_schemas
    verify_root(root)
    click.echo(f"DDI-L 3.1, 3.2 and 3.3 schemas in {root} match the pinned DDI Alliance releases")


@schemas_group.command("fetch")
@click.option("--from", "source",
              help="A local copy (folder holding 3.1/ 3.2/ 3.3/), a release tarball, or a mirror URL with {commit}.")
@click.pass_context
def schemas_fetch(ctx: click.Context, source: str | None) -> None:
    """Download the DDI Alliance releases (or copy a local copy), verify them, install them in the data directory."""
    from ddi_schemas.fetch import fetch

    settings = ctx.ensure_object(dict).get("settings") or Settings()
    target = settings.data_dir / "ddi-schemas"
    fetch(target, source=source)
    click.echo(f"DDI-L schemas verified and installed in {target}")


@main.group("site")
def site_group() -> None:
    """The public site as static files."""


@site_group.command("build")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option("--base-url", help="Public address the static copy will have (canonical links, sitemap); "
              "default: DDICAT_BASE_URL.")
@click.option("--api-base", help="Address of the live catalogue whose API answers the static copy's search; "
              "without it the search page says that search needs the live catalogue.")
@click.pass_context
def site_build_command(ctx: click.Context, out: Path, base_url: str | None, api_base: str | None) -> None:
    """Write every public page (cohorts, waves, instruments, questions, variables) into OUT/ in each language."""
    from api.site import site_build
    from api.views import public_pages
    from catalogue.store.reads import Viewer

    runtime = runtime_of(ctx)
    with runtime.sessions() as session:
        total = len(public_pages(session, Viewer.public()))
    with click.progressbar(length=total, label="Rendering pages", show_pos=True) as bar:
        report = site_build(runtime=runtime, out=out, base_url=base_url, api_base=api_base, progress=bar.update)
    click.echo(f"Wrote {len(report.files):,} files ({report.pages:,} pages in {', '.join(report.languages)}) "
               f"into {out}; open {out / report.languages[0] / 'index.html'}")


# The cohort spaces' commands (users, studies, tokens, audit, upload) live beside, in api/cli_admin.py.
from api import cli_admin  # noqa: E402

cli_admin.register(main)

# The notification outbox (`ddicat mail outbox|send`) lives beside, in api/cli_mail.py.
from api import cli_mail  # noqa: E402

cli_mail.register(main)
