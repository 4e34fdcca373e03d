"""How many practices the funnel flags, per demo cluster and indicator (issue 17's before/after table).

Builds the demo register and quality data into a throw-away SQLite file (kept between runs, so the
same data serve the "before" and the "after" run) and prints, for each cluster and national
indicator, the practices shown in the funnel and how many fall outside its 95 % and 99.8 % limits,
with the method and φ when the page states them.

    PYTHONPATH=src python scripts/funnel_flags.py [--db /tmp/klynge-funnel-flags.sqlite3] [--rebuild]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(Path(tempfile.gettempdir()) / "klynge-funnel-flags.sqlite3"))
    parser.add_argument("--rebuild", action="store_true", help="delete the database and build it again")
    args = parser.parse_args()
    db = Path(args.db)
    if args.rebuild and db.exists():
        db.unlink()
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("SECRET_KEY", "funnel-flags-script")
    os.environ.setdefault("KLYNGE_VAR_DIR", tempfile.mkdtemp(prefix="klynge-funnel-flags-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klynge.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from klynge.core.models import Cluster

    call_command("migrate", verbosity=0)
    if not Cluster.objects.filter(slug="gentofte").exists():
        from klynge.demo.quality import build_quality
        from klynge.demo.register import build_register

        print("Bygger demo-data ...", file=sys.stderr)
        build_register()
        build_quality()

    from klynge.quality import selectors
    from klynge.quality.models import Indicator
    from klynge.quality.services import indicators_load_catalogue

    indicators_load_catalogue()  # the catalogue of this checkout (kind, season) on the kept data

    viewer = selectors.Viewer(practice_id=None, open_data=True, national_only=False)
    print("| Klynge | Indikator | Praksis i tragten | Uden for 95 % | Uden for 99,8 % | Metode | φ |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for slug in ("gentofte", "osterbro"):
        cluster = Cluster.objects.get(slug=slug)
        for indicator in Indicator.objects.filter(cluster=None, active=True).order_by("sort_order"):
            figures = selectors.indicator_figures(
                cluster=cluster, indicator=indicator, viewer=viewer, with_series=False
            )
            points = [f.funnel for f in figures.rows if getattr(f, "funnel", None) is not None]
            out95 = sum(p.outside95 for p in points)
            out998 = sum(p.outside998 for p in points)
            method = getattr(figures, "funnel_method", "") or "–"
            phi = getattr(figures, "funnel_phi", None)
            phi_text = "–" if phi is None else f"{phi:.1f}"
            print(
                f"| {slug} | {indicator.code} | {len(points)} | {out95} | {out998} | {method} | {phi_text} |"
            )


if __name__ == "__main__":
    main()
