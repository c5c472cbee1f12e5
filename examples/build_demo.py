"""Write the two fictitious demo cohorts (Elfe-like, Epipage-2-like) as DDI-L 3.3 documents.

Standalone on purpose (lxml and the standard library, no ddicat import): the demo must not depend on
the catalogue's own writer, so that `ddicat demo` exercises the same import road as any user's file.

    python examples/build_demo.py            # rewrites examples/elfe-demo.xml and examples/epipage2-demo.xml
    python examples/build_demo.py --out DIR  # writes them elsewhere
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from demo_cohorts.ddi_document import cohort_xml
from demo_cohorts.elfe import ELFE
from demo_cohorts.epipage2 import EPIPAGE2
from demo_cohorts.spec import Cohort

HERE = Path(__file__).resolve().parent
COHORTS: tuple[Cohort, ...] = (ELFE, EPIPAGE2)


def write_cohort(cohort: Cohort, out_dir: Path) -> Path:
    """Serialise one cohort into `out_dir`; byte-identical on every run."""
    path = out_dir / cohort.file_name
    path.write_bytes(cohort_xml(cohort))
    return path


def main(argv: list[str] | None = None) -> int:
    """Command line: where to write; prints one line per file written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="output directory (default: examples/)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for cohort in COHORTS:
        path = write_cohort(cohort, args.out)
        print(f"{path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
