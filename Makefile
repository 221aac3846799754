# DepotTwin: the README's two commands are `make demo` and `make test`.
SWIFT ?= swift
.PHONY: deps build release demo test bench clean

deps:
	@tools/ensure-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product twin

## Installs what is missing, builds, runs the default demo scenario (summary, out/report.html, stored run).
demo: release
	$$($(SWIFT) build -c release --show-bin-path)/twin run scripts/demo.lua --format summary --format html -o out/report.html

## Installs what is missing, builds and runs the whole test suite (unit and end-to-end).
test: deps
	$(SWIFT) build
	$(SWIFT) test

## Performance figures (not tests): LuaHost call costs, engine year-long depot, Lua policy overhead.
bench: deps
	$(SWIFT) build -c release --product twin-bench
	$$($(SWIFT) build -c release --show-bin-path)/twin-bench

clean:
	rm -rf .build out
