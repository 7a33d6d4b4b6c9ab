# reins -- build, run and test. See README.md for the two commands that matter.
#
# Sources: every src/**/*.c except src/main.c goes into build/libreins.a;
# build/reins is src/main.c linked against it; every tests/unit/**/test_*.c
# becomes one cmocka test binary linked against it too.

BUILD   ?= build
CC      ?= cc
VERSION := 0.1.0
PKGS    := libmicrohttpd jansson sqlite3 libpq libsodium libxml-2.0 xlsxwriter
SAN     ?=

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null)

# OPT is the optimisation; CFLAGS and LDFLAGS from the command line are added, not replacing.
OPT     ?= -O2 -g
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-missing-field-initializers
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) -Isrc -DREINS_VERSION='"$(VERSION)"' \
             $(PKG_CFLAGS) $(OPT) $(CFLAGS) $(SAN) -MMD -MP
ALL_LDFLAGS = $(SAN) $(LDFLAGS)
LIBS    := $(PKG_LIBS) -lpthread -lm

LIB_SRC   := $(filter-out src/main.c,$(shell find src -name '*.c' | sort))
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
TEST_SRC  := $(shell find tests/unit -name 'test_*.c' 2>/dev/null | sort)
TEST_BIN  := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TEST_HELP := $(shell find tests/unit -name '*.c' ! -name 'test_*.c' 2>/dev/null | sort)
TEST_HOBJ := $(TEST_HELP:%.c=$(BUILD)/obj/%.o)
FUZZ_SRC  := $(shell find fuzz -name '*_fuzz.c' 2>/dev/null | sort)
FUZZ_BIN  := $(FUZZ_SRC:fuzz/%.c=$(BUILD)/fuzz/%)

.SECONDARY:
.PHONY: all run test sanitize bench clean deps deps-test
all: $(BUILD)/reins $(TEST_BIN) $(FUZZ_BIN)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC $<"
	@$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/libreins.a: $(LIB_OBJ)
	@rm -f $@
	@ar rcs $@ $^

$(BUILD)/reins: $(BUILD)/obj/src/main.o $(BUILD)/libreins.a
	@echo "  LD $@"
	@$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(TEST_HOBJ) $(BUILD)/libreins.a
	@mkdir -p $(dir $@)
	@echo "  LD $@"
	@$(CC) $(ALL_CFLAGS) -Itests/unit $(ALL_LDFLAGS) -o $@ $< $(TEST_HOBJ) $(BUILD)/libreins.a $(LIBS) $(CMOCKA_LIBS)

# Fuzz targets build with gcc as corpus replayers (their own main); with
# clang and -fsanitize=fuzzer they are libFuzzer targets (see fuzz/README.md).
$(BUILD)/fuzz/%: fuzz/%.c fuzz/replay_main.c $(BUILD)/libreins.a
	@mkdir -p $(dir $@)
	@echo "  LD $@"
	@$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< fuzz/replay_main.c $(BUILD)/libreins.a $(LIBS)

deps:
	@scripts/deps.sh run

deps-test:
	@scripts/deps.sh test

# The main job: a demo organisation in demo.db, served on 127.0.0.1:8080.
run: deps
	@$(MAKE) --no-print-directory all
	@scripts/run-demo.sh $(BUILD)/reins

# Every test, on SQLite and on PostgreSQL (a throwaway cluster when none is given).
test: deps-test
	@$(MAKE) --no-print-directory all
	@scripts/test.sh $(BUILD)

# The same tests, built and run under AddressSanitizer and UndefinedBehaviorSanitizer.
sanitize: deps-test
	@$(MAKE) --no-print-directory all BUILD=build-san OPT="-O1 -g -fno-omit-frame-pointer" \
	    SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 scripts/test.sh build-san

bench: deps
	@$(MAKE) --no-print-directory all
	@scripts/bench.sh $(BUILD)

clean:
	rm -rf build build-san

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
