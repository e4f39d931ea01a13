# The two commands a newcomer needs (see README): `make demo` and `make test`.
# Both install what is missing on a fresh Debian 12 machine first.

BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)
CMAKE_GEN  := -G Ninja

.PHONY: demo test test-plain test-asan test-fuzz deps build bench format clean install

deps:
	@bash scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DONSHI_WERROR=ON
	cmake --build $(BUILD) -j $(JOBS)

# `make test` is the suite built with AddressSanitizer and UndefinedBehaviorSanitizer:
# one build that both runs every test and checks every run for memory errors and
# undefined behaviour (CI's only build; two builds would not fit its time on 2 cores).
# The benchmarks are compiled too (not run), so they cannot rot unseen.
test: deps
	cmake -S . -B $(ASAN_BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DONSHI_SANITIZE=ON -DONSHI_WERROR=ON
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	  ctest --output-on-failure -j $(JOBS)

# The same suite against the optimised build `make demo` runs.
test-plain: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan: test

# libFuzzer targets (clang, ASan+UBSan), each run for FUZZ_SECONDS (default
# 60) on a copy of its seed corpus in fuzz/corpus/. A finding stops the run
# with the crashing input saved in $(FUZZ_BUILD)/findings.
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZERS := apdu_fuzz:apdu oqs_request_fuzz:oqs intake_fuzz:intake fhir_request_fuzz:fhir
test-fuzz: deps
	@command -v clang++ >/dev/null && [ -n "$$(ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a 2>/dev/null)" ] \
	  || (echo "test-fuzz: installing clang and its libFuzzer runtime"; \
	      $$( [ "$$(id -u)" -eq 0 ] || echo sudo ) apt-get install -y -qq clang libclang-rt-14-dev)
	cmake -S . -B $(FUZZ_BUILD) $(CMAKE_GEN) -DCMAKE_CXX_COMPILER=clang++ -DONSHI_FUZZ=ON \
	  -DONSHI_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target $(foreach f,$(FUZZERS),$(firstword $(subst :, ,$(f))))
	mkdir -p $(FUZZ_BUILD)/findings
	@for f in $(FUZZERS); do name=$${f%%:*}; corpus=$${f##*:}; \
	  work=$$(mktemp -d); cp fuzz/corpus/$$corpus/* $$work/; \
	  echo "== $$name, $(FUZZ_SECONDS) s on fuzz/corpus/$$corpus"; \
	  if ! $(FUZZ_BUILD)/$$name -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	      -artifact_prefix=$(FUZZ_BUILD)/findings/$$name- $$work > $(FUZZ_BUILD)/$$name.log 2>&1; then \
	    tail -40 $(FUZZ_BUILD)/$$name.log; rm -rf $$work; exit 1; fi; \
	  grep -E "^Done|stat::number_of_executed_units|stat::new_units_added" $(FUZZ_BUILD)/$$name.log; \
	  rm -rf $$work; done

# Installs the binary, the systemd unit and the example settings under PREFIX
# (default /usr/local; the unit goes to PREFIX/lib/systemd/system).
PREFIX ?= /usr/local
install: build
	cmake -S . -B $(BUILD) -DCMAKE_INSTALL_PREFIX=$(PREFIX)
	cmake --build $(BUILD) -j $(JOBS) --target onshi
	cmake --install $(BUILD)

demo: build
	@bash scripts/demo.sh $(BUILD)/onshi

bench: build
	@bash bench/run.sh $(BUILD)

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
