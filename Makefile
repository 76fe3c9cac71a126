# The README's two commands: `make demo` (set up + the main job on real data) and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
COURSE := $(CURDIR)/$(VENV)/bin/course
DEMO   := $(CURDIR)/.demo
# The demo never touches the user's real tracker database.
DEMO_ENV := COURSE_DB=$(DEMO)/course.db

.PHONY: setup data sandbox fonts demo test style lint clean

setup: $(VENV)/.installed data sandbox fonts

$(PY):
	$(PYTHON) -m venv $(VENV)

# torch first, so pip never resolves `torch>=2.2` to the multi-GB CUDA build.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -c "import torch" 2>/dev/null || $(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev,cluster]'
	touch $@

# Fashion-MNIST: already found? else Debian's package where apt can run, else download.
data: $(VENV)/.installed
	@if $(COURSE) data --no-download >/dev/null 2>&1; then \
	  echo "Fashion-MNIST: $$($(COURSE) data --no-download)"; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] \
	    && (apt-get update -qq && apt-get install -y -qq dataset-fashion-mnist) >/dev/null 2>&1; then \
	  echo "Fashion-MNIST: installed dataset-fashion-mnist"; \
	else \
	  $(COURSE) data; \
	fi

# bubblewrap, the sandbox of student code: Debian's package where apt can run; elsewhere the
# grader falls back to no sandbox with a warning (and the sandbox tests skip, saying why).
sandbox:
	@if command -v bwrap >/dev/null 2>&1; then \
	  echo "bubblewrap: $$(command -v bwrap)"; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] \
	    && (apt-get update -qq && apt-get install -y -qq bubblewrap) >/dev/null 2>&1; then \
	  echo "bubblewrap: installed"; \
	else \
	  echo "bubblewrap: not available; grading runs without a sandbox (see docs/architecture.md)"; \
	fi

# A font with Korean for the pictures (--png): Debian's fonts-nanum (NanumGothic) where apt can
# run; elsewhere Korean topics are drawn as boxes (course/render/charts.py, CJK_FONTS).
fonts:
	@if command -v fc-list >/dev/null 2>&1 && fc-list | grep -q -e NanumGothic -e "Noto Sans CJK"; then \
	  echo "Korean font: $$(fc-list : family | grep -m1 -o -e NanumGothic -e 'Noto Sans CJK [A-Z]*')"; \
	elif command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] \
	    && (apt-get update -qq && apt-get install -y -qq fonts-nanum) >/dev/null 2>&1; then \
	  echo "Korean font: installed fonts-nanum (NanumGothic)"; \
	else \
	  echo "Korean font: none; pictures draw Korean as boxes (install fonts-nanum)"; \
	fi

demo: setup
	rm -rf $(DEMO) && mkdir -p $(DEMO)
	$(DEMO_ENV) $(COURSE) init $(DEMO)/ws
	@echo; echo "== course grade resnet: the untouched skeleton (a failing table, exit 1)"
	cd $(DEMO)/ws && $(DEMO_ENV) $(COURSE) grade resnet; test $$? -eq 1
	@echo; echo "== course grade resnet --solution: the reference (full marks)"
	cd $(DEMO)/ws && $(DEMO_ENV) $(COURSE) grade resnet --solution
	@echo; echo "== course grade lstm --solution: LSTM/GRU checked against torch.nn.LSTM (full marks)"
	cd $(DEMO)/ws && $(DEMO_ENV) $(COURSE) grade lstm --solution
	@echo; echo "== course grade vit --solution: attention checked against torch's (full marks)"
	cd $(DEMO)/ws && $(DEMO_ENV) $(COURSE) grade vit --solution
	@echo; echo "== course grade aae --solution: an adversarial autoencoder, phase by phase (full marks)"
	cd $(DEMO)/ws && $(DEMO_ENV) $(COURSE) grade aae --solution
	@echo; echo "== course aae samples --solution: prior samples and reconstructions as a PNG"
	cd $(DEMO)/ws && $(DEMO_ENV) $(COURSE) aae samples --solution --out $(DEMO)/aae_samples.png
	@echo; echo "== course grade augment --solution: a batched augmentation pipeline (full marks)"
	cd $(DEMO)/ws && $(DEMO_ENV) $(COURSE) grade augment --solution
	@echo; echo "== course augment preview --solution: test images before and after the pipeline"
	cd $(DEMO)/ws && $(DEMO_ENV) $(COURSE) augment preview --solution --out $(DEMO)/augment_preview.png
	@echo; echo "== course grade cnn --solution: convolution by im2col, checked against F.conv2d (full marks)"
	cd $(DEMO)/ws && $(DEMO_ENV) $(COURSE) grade cnn --solution
	@echo; echo "== course grade optim --solution: SGD, Adam and AdamW step by step against torch.optim (full marks)"
	cd $(DEMO)/ws && $(DEMO_ENV) $(COURSE) grade optim --solution
	@echo; echo "== course optim race --solution: SGD, momentum and Adam on Rosenbrock, drawn to .demo/race.png"
	cd $(DEMO)/ws && $(DEMO_ENV) $(COURSE) optim race --solution --out $(DEMO)/race.png
	@echo; echo "== the tracker: time, a timer, a retro, coding-test problems, goals, questions"
	$(DEMO_ENV) $(COURSE) log --hours 2 --topic CNN --note "ResNet: why the shortcut helps"
	$(DEMO_ENV) $(COURSE) log --minutes 90 --topic RNN --date yesterday
	$(DEMO_ENV) $(COURSE) log --duration 1h15m --topic Generative
	$(DEMO_ENV) $(COURSE) start Transformer --at "45m ago" --note "ViT paper"
	$(DEMO_ENV) $(COURSE) status
	$(DEMO_ENV) $(COURSE) stop
	$(DEMO_ENV) $(COURSE) problem add boj 5525 --title IOIOI --tags string,kmp --minutes 60 --used-hint
	$(DEMO_ENV) $(COURSE) problem add programmers 42576 --title "완주하지 못한 선수" --tags hash --minutes 25
	$(DEMO_ENV) $(COURSE) retro --date yesterday --keep "graded before asking" --try "sleep before 1 am"
	$(DEMO_ENV) $(COURSE) retro --kept 2 --keep "daily TIL" --problem "skipped the review queue" --try "two problems a day"
	$(DEMO_ENV) $(COURSE) goal set --week --hours 20 --problems 5
	$(DEMO_ENV) $(COURSE) goal set --week --topic CNN --hours 6
	$(DEMO_ENV) $(COURSE) question add "Why does LSTM use tanh for the cell output?" --topic RNN
	$(DEMO_ENV) $(COURSE) problem stats
	@echo; echo "== course report weekly (the table view; grade attempts above are in it)"
	$(DEMO_ENV) $(COURSE) report weekly
	@echo; echo "== course report weekly --format markdown --png week.png (the post in .demo/weekly.md, showing .demo/week.png)"
	cd $(DEMO) && $(DEMO_ENV) $(COURSE) report weekly --format markdown --png week.png | tee weekly.md
	@echo; echo "== course report streak --png: the heatmap, also drawn to .demo/year.png"
	$(DEMO_ENV) $(COURSE) report streak --png $(DEMO)/year.png
	$(DEMO_ENV) $(COURSE) export --out $(DEMO)/export.json
	@echo; echo "== course cohort grade lstm: six students (the solution, the skeleton, two wrong, a hang, a crash), 2 workers"
	mkdir -p $(DEMO)/cohort/dana
	cp solutions/lstm.py $(DEMO)/cohort/alice.py
	cp assignments/lstm/lstm.py $(DEMO)/cohort/bob.py
	sed 's/    g = torch.tanh(g)/    g = torch.sigmoid(g)/' solutions/lstm.py > $(DEMO)/cohort/carol.py
	sed 's/    h = o \* torch.tanh(c)/    h = o * c/' solutions/lstm.py > $(DEMO)/cohort/dana/lstm.py
	printf 'import time\nwhile True:\n    time.sleep(1)\n' > $(DEMO)/cohort/erin.py
	printf 'import os\nos._exit(139)\n' > $(DEMO)/cohort/fred.py
	$(DEMO_ENV) $(COURSE) cohort grade lstm $(DEMO)/cohort --workers 2 --timeout-s 90 --gradebook $(DEMO)/gradebook.db --sandbox $$(command -v bwrap >/dev/null && echo bwrap || echo none)
	$(DEMO_ENV) $(COURSE) cohort export --gradebook $(DEMO)/gradebook.db --format csv --out $(DEMO)/grades.csv
	cat $(DEMO)/grades.csv
	$(DEMO_ENV) $(COURSE) cohort export --gradebook $(DEMO)/gradebook.db --format gradescope --out $(DEMO)/gradescope
	$(DEMO_ENV) $(COURSE) cohort stats --gradebook $(DEMO)/gradebook.db --png $(DEMO)/cohort-stats.png

style: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check core course grader tracker

lint: style
	$(VENV)/bin/mypy

# mypy runs inside pytest (tests/test_types.py), beside the other tests rather than before them.
test: setup style
	OMP_NUM_THREADS=1 $(VENV)/bin/pytest -q -n auto --dist loadscope --no-loadscope-reorder

clean:
	rm -rf $(DEMO) .mypy_cache .ruff_cache
