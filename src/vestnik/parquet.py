"""Records as Parquet tables for analysts (`--format parquet --output DIR`), readable by pandas, polars, DuckDB.

A record is one nested object; analysts want flat tables they can join. The directory holds one
folder per table, each a set of parts (`part-00000.parquet`, one per partition of the input, so a
Dask worker writes its own), every part with the same schema:

- `articles`: one row per article (everything but its analyses; `published` as a date),
- `mentions`: one row per entity mention, `entities`: one per distinct entity of an article (its display name),
- `quotes`, `events`: one row per quotation and event,

all keyed by `article_id` and the row's `index` in its record list (`entities.mentions` holds indices into
`mentions`, `events.quote_index` into `quotes`, as in the record). The schemas are derived from the
record's pydantic models (`record.py`), so a new record field is a new column without code here.
pyarrow writes the files; what is written here is only that flattening.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import BaseModel

from vestnik.pipeline import batches
from vestnik.record import Article, DistinctEntity, Entity, Event, Quotation

ANALYSES: dict[str, type[BaseModel]] = {"mentions": Entity, "entities": DistinctEntity, "quotes": Quotation,
                                        "events": Event}
"""The tables of an article's analyses, each from one list of the record (mentions: `entities`)."""

RECORD_LISTS = {"mentions": "entities", "entities": "distinct_entities", "quotes": "quotes", "events": "events"}

_SCALARS = {str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_()}


def arrow_type(annotation) -> pa.DataType:
    """The Arrow type of a record field's annotation: optional → nullable, list → list, model → struct,
    Literal → string."""
    origin, arguments = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        [inner] = [argument for argument in arguments if argument is not type(None)]
        return arrow_type(inner)
    if origin is list:
        return pa.list_(arrow_type(arguments[0]))
    if origin is typing.Literal:
        return pa.string()
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return pa.struct(_fields(annotation))
    return _SCALARS[annotation]


def _fields(model: type[BaseModel], leave_out: Iterable[str] = ()) -> list[pa.Field]:
    return [pa.field(info.alias or name, arrow_type(info.annotation)) for name, info in model.model_fields.items()
            if name not in leave_out]


def _article_schema() -> pa.Schema:
    fields = _fields(Article, leave_out=RECORD_LISTS.values())
    return pa.schema([field.with_type(pa.date32()) if field.name == "published" else field for field in fields])


KEYS = [pa.field("article_id", pa.string(), nullable=False), pa.field("index", pa.int32(), nullable=False)]
SCHEMAS: dict[str, pa.Schema] = {"articles": _article_schema(),
                                 **{table: pa.schema(KEYS + _fields(model)) for table, model in ANALYSES.items()}}


def table_rows(records: Iterable[Article]) -> dict[str, list[dict]]:
    """The rows of every table for these records."""
    rows: dict[str, list[dict]] = {table: [] for table in SCHEMAS}
    for record in records:
        values = record.model_dump(by_alias=True)
        for table, field in RECORD_LISTS.items():
            rows[table] += [{"article_id": record.id, "index": index, **item} for index, item in enumerate(values.pop(field))]
        if values["published"]:
            values["published"] = date.fromisoformat(values["published"])
        rows["articles"].append(values)
    return rows


def prepare_directory(directory: Path) -> None:
    """Make the table folders; refuse a directory that already holds parts, which a run would mix with its own."""
    for table in SCHEMAS:
        folder = directory / table
        if folder.is_dir() and any(folder.glob("*.parquet")):
            raise FileExistsError(f"{folder} already holds Parquet parts; write to a new directory")
    for table in SCHEMAS:
        (directory / table).mkdir(parents=True, exist_ok=True)


def write_part(records: list[Article], directory: Path, part: int) -> None:
    """One part of every table (a table with no rows for these records too, so every part has every table)."""
    for table, rows in table_rows(records).items():
        pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMAS[table]), directory / table / f"part-{part:05d}.parquet")


def write_parquet(records: Iterable[Article], directory: Path, part_size: int) -> None:
    """Write the records as parts of `part_size` articles into `directory` (made ready by `prepare_directory`);
    no records still make one part, so the tables and their schemas are there to read."""
    wrote = False
    for part, batch in enumerate(batches(records, part_size)):
        write_part(batch, directory, part)
        wrote = True
    if not wrote:
        write_part([], directory, 0)
