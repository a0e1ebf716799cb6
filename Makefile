# Thin wrappers around the scripts, which also run without make:
#   bash scripts/demo.sh
#   bash scripts/test.sh

.DEFAULT_GOAL := help
.PHONY: help demo test

help:
	@echo "make demo   start the local mock portal and run the quickstart example against it (scripts/demo.sh)"
	@echo "make test   run every check: formatting, clippy, the wasm32 build, the demo and cargo test (scripts/test.sh)"

demo:
	bash scripts/demo.sh

test:
	bash scripts/test.sh
