"""config/datasette.json fits the store: every table it describes exists (after all
migrations), the columns it describes and the FTS table are real, and every canned query
runs."""

from __future__ import annotations

import json
import re
from pathlib import Path

from monitors.storage.store import Store
from tests.conftest import ROOT

METADATA = json.loads((ROOT / "config" / "datasette.json").read_text(encoding="utf-8"))
DATABASE = METADATA["databases"]["dualwatch"]


def test_tables_columns_and_fts_exist(tmp_path: Path) -> None:
    with Store.open(tmp_path / "dualwatch.db") as store:
        tables = set(store.db.table_names())
        for name, table in DATABASE["tables"].items():
            assert name in tables, name
            columns = {c.name for c in store.db[name].columns}
            assert set(table.get("columns", {})) <= columns, name
            if "fts_table" in table:
                assert table["fts_table"] in tables and table["fts_pk"] in columns


def test_every_canned_query_runs(tmp_path: Path) -> None:
    with Store.open(tmp_path / "dualwatch.db") as store:
        for name, query in DATABASE["queries"].items():
            params = {p: "1" for p in re.findall(r":(\w+)", query["sql"])}
            assert store.db.execute(query["sql"], params).fetchall() == [], name
