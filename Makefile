# Thin wrappers around the scripts, which also run without make:
#   bash scripts/demo.sh
#   bash scripts/test.sh

.DEFAULT_GOAL := help
.PHONY: help demo test

help:
	@echo "make demo   start the local mock portal and run the quickstart example against it (scripts/demo.sh)"
	@echo "make test   run every check: formatting, clippy, the wasm32 build, the demo and cargo test (scripts/test.sh)"
	@echo "make bench  run every client against the local mock portal and write BENCHMARKS.md (bench/run.sh)"

demo:
	bash scripts/demo.sh

test:
	bash scripts/test.sh

# Phony, since the folder bench/ would otherwise make the target up to date.
.PHONY: bench
bench:
	BENCH_COMMAND="make bench" bash bench/run.sh
