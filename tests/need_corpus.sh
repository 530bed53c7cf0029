#!/bin/sh
# Runs a test that reads the shared corpus (../shared/corpus, or -Dcorpus_dir). When the corpus
# is missing it says so and skips instead of failing, so a fresh clone without ../shared still
# runs every other test. These tests speak TAP, where a skip is the plan "1..0 # SKIP reason"
# with exit status 0 (meson then reports SKIP, as it does exit status 77 elsewhere).
if [ ! -d "${MAAT_CORPUS:-}" ]; then
	echo "1..0 # SKIP the shared corpus is missing (${MAAT_CORPUS:-unset}): put it at ../shared/corpus or set -Dcorpus_dir"
	exit 0
fi
exec "$@"
