"""`make bench`: runs every benchmark in turn and prints its figures. Never part of the test suite."""

import importlib
import sys
import time

BENCHMARKS = ["bench.import_bench", "bench.vote_load", "bench.pages", "bench.scaling"]


def main() -> None:
    failed = []
    for name in BENCHMARKS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            print(f"== {name}: not available ({error}) ==")
            failed.append(name)
            continue
        began = time.perf_counter()
        try:
            module.main()
        except SystemExit as error:
            print(f"== {name} failed: {error} ==")
            failed.append(name)
        print(f"({name} took {time.perf_counter() - began:.0f} s)\n", flush=True)
    if failed:
        sys.exit(f"benchmarks that failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
