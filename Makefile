# A thin wrapper over meson, so the README's two commands stay one line each.
BUILD ?= build
OUT ?= maatlat-demo

.PHONY: all deps build demo test asan clean

all: build

deps:
	./tools/install-deps

$(BUILD)/build.ninja:
	meson setup $(BUILD)

build: deps $(BUILD)/build.ninja
	meson compile -C $(BUILD)

# The main job: the bundled example municipality, every report, a summary on stdout.
demo: build
	./$(BUILD)/maatlat demo --out $(OUT)

test: build
	meson test -C $(BUILD) --print-errorlogs

asan: deps
	[ -f build-asan/build.ninja ] || meson setup build-asan -Db_sanitize=address,undefined \
		-Dc_args=-fno-sanitize-recover=all -Dbench=false
	meson test -C build-asan --print-errorlogs

clean:
	rm -rf $(BUILD) build-asan
