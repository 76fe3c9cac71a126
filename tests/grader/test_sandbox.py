"""grader.sandbox: mode resolution, the scrubbed environment, real bubblewrap runs, and the
subreaper's cleanup of escaped grandchildren."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import pytest

from core.errors import EnvironmentProblem, UsageError
from grader import sandbox
from grader.sandbox import (
    NAMESPACE_FLAGS,
    Sandbox,
    become_subreaper,
    bwrap_command,
    bwrap_problem,
    children,
    environment,
    kill_adopted,
    resolve,
)

needs_bwrap = pytest.mark.skipif(
    bwrap_problem() is not None, reason=f"bubblewrap does not work here: {bwrap_problem()}"
)
needs_linux = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="child subreapers and /proc are Linux's"
)

SLEEP = "import time; time.sleep(1000)"
"""The code of the processes that must be killed; each gets a unique marker argument."""

FORCED = (
    "no sandbox: COURSE_SANDBOX_PROBE=fail; student code runs with your user's rights "
    "(install bubblewrap, or pass --sandbox none to silence this)"
)

PYTHON = sorted({Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()})
"""What the sandboxed interpreter needs to read (it may live in /tmp or the home: a clone)."""


@pytest.fixture
def reprobe() -> Iterator[None]:
    """Forget the cached probe before and after the test."""
    bwrap_problem.cache_clear()
    yield
    bwrap_problem.cache_clear()


@pytest.fixture
def probe_fails(monkeypatch: pytest.MonkeyPatch, reprobe: None) -> None:
    """``COURSE_SANDBOX_PROBE=fail`` for the test, the probe's cache cleared around it."""
    monkeypatch.setenv("COURSE_SANDBOX_PROBE", "fail")


@pytest.fixture
def tmp(tmp_path: Path) -> Path:
    """``tmp_path`` with its symlinks resolved, as the sandbox sees it."""
    return tmp_path.resolve()


def marked(marker: str) -> list[int]:
    """The host pids running :data:`SLEEP` with ``marker`` as their last argument."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            args = Path(f"/proc/{name}/cmdline").read_bytes().split(b"\0")[:-1]
        except OSError:
            continue
        if args[-2:] == [SLEEP.encode(), marker.encode()]:
            found.append(int(name))
    return found


def run_inside(
    code: str,
    *args: str,
    workdir: Path,
    readable: Sequence[Path] = (),
    hidden: Sequence[Path] = (),
    env: Mapping[str, str] | None = None,
    home: Path | None = None,
) -> str:
    """Run ``python -c code args`` in the sandbox; its stdout (it must exit 0)."""
    workdir.mkdir(parents=True, exist_ok=True)
    command = bwrap_command(
        [sys.executable, "-c", code, *args],
        workdir=workdir,
        readable=[*PYTHON, *readable],
        hidden=hidden,
        env={"PATH": os.environ["PATH"], "LC_ALL": "C.UTF-8"} if env is None else env,
        device="cpu",
        home=workdir.parent / "home" if home is None else home,
    )
    done = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


# --- resolve and the probe -------------------------------------------------------------------


def test_modes() -> None:
    assert sandbox.MODES == ("auto", "bwrap", "none")


def test_none_needs_no_probe(probe_fails: None) -> None:
    assert resolve("none") == Sandbox("none", None)


def test_unknown_mode_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as caught:
        resolve("docker")
    assert str(caught.value) == "unknown sandbox: docker. use auto, bwrap or none"
    assert caught.value.exit_code == 2


@needs_bwrap
def test_auto_and_bwrap_use_bwrap_when_it_works(reprobe: None) -> None:
    assert bwrap_problem() is None
    assert resolve("auto") == Sandbox("bwrap", None)
    assert resolve("bwrap") == Sandbox("bwrap", None)


def test_forced_failure_is_the_reason(probe_fails: None) -> None:
    assert bwrap_problem() == "COURSE_SANDBOX_PROBE=fail"


def test_bwrap_mode_raises_when_the_probe_fails(probe_fails: None) -> None:
    with pytest.raises(EnvironmentProblem) as caught:
        resolve("bwrap")
    assert str(caught.value) == (
        "the bwrap sandbox does not work here: COURSE_SANDBOX_PROBE=fail. "
        "install the bubblewrap package, or pass --sandbox none"
    )
    assert caught.value.exit_code == 3


def test_auto_falls_back_with_a_warning(probe_fails: None) -> None:
    assert resolve("auto") == Sandbox("none", FORCED)


def test_missing_bwrap(monkeypatch: pytest.MonkeyPatch, tmp: Path, reprobe: None) -> None:
    monkeypatch.setenv("PATH", str(tmp))
    assert bwrap_problem() == "bwrap is not installed"


def test_failing_bwrap_reports_its_first_stderr_line(
    monkeypatch: pytest.MonkeyPatch, tmp: Path, reprobe: None
) -> None:
    fake = tmp / "bwrap"
    fake.write_text(
        "#!/bin/sh\n"
        f'echo "$@" > {tmp / "args"}\n'
        "echo 'bwrap: No permissions to create new namespace' >&2\n"
        "echo 'second line' >&2\n"
        "exit 1\n"
    )
    fake.chmod(0o755)
    (tmp / "true").symlink_to("/bin/true")
    monkeypatch.setenv("PATH", str(tmp))
    assert bwrap_problem() == (
        "bwrap cannot create namespaces here: bwrap: No permissions to create new namespace"
    )
    assert bwrap_problem.cache_info().hits == 0
    bwrap_problem()  # cached: the fake does not run again
    assert bwrap_problem.cache_info().hits == 1
    assert (tmp / "args").read_text() == (
        " ".join([*NAMESPACE_FLAGS, "--ro-bind / / --dev /dev --proc /proc --", str(tmp / "true")])
        + "\n"
    )


def test_silent_failing_bwrap_reports_its_status(
    monkeypatch: pytest.MonkeyPatch, tmp: Path, reprobe: None
) -> None:
    fake = tmp / "bwrap"
    fake.write_text("#!/bin/sh\nexit 7\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp))
    assert bwrap_problem() == "bwrap cannot create namespaces here: exit status 7"


# --- environment -----------------------------------------------------------------------------


def test_environment_keeps_only_the_allowlist(tmp: Path) -> None:
    base = {
        "PATH": "/usr/bin:/bin",
        "LC_ALL": "C.UTF-8",
        "LC_TIME": "de_DE.UTF-8",
        "OMP_NUM_THREADS": "2",
        "COURSE_DB": "/root/.local/share/course/course.db",
        "COURSE_ANYTHING": "x",
        "PYTHONPATH": "/evil",
        "PYTHONSTARTUP": "/evil.py",
        "PYTHONHOME": "/evil",
        "PYTEST_CURRENT_TEST": "tests/x.py::t (call)",
        "PYTEST_ADDOPTS": "-p evil",
        "AWS_SECRET_ACCESS_KEY": "hunter2",
        "GITHUB_TOKEN": "ghp_x",
        "HOME": "/root",
        "TERM": "xterm",
        "TMPDIR": "/var/tmp",
    }
    assert environment(base, home=tmp / "home", tmp=tmp / "t") == {
        "PATH": "/usr/bin:/bin",
        "LC_ALL": "C.UTF-8",
        "LC_TIME": "de_DE.UTF-8",
        "OMP_NUM_THREADS": "2",
        "HOME": str(tmp / "home"),
        "TMPDIR": str(tmp / "t"),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        "PYTHONNOUSERSITE": "1",
        "MPLCONFIGDIR": str(tmp / "t" / "matplotlib"),
    }


def test_environment_keeps_every_allowed_name_and_extra_wins() -> None:
    names = [
        "PATH",
        "LANG",
        "LANGUAGE",
        "TZ",
        "OMP_NUM_THREADS",
        "MKL_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "CUDA_VISIBLE_DEVICES",
        "CUDA_DEVICE_ORDER",
        "NVIDIA_VISIBLE_DEVICES",
        "LD_LIBRARY_PATH",
        "VIRTUAL_ENV",
        "CUBLAS_WORKSPACE_CONFIG",
        "PYTORCH_CUDA_ALLOC_CONF",
        "LC_CTYPE",
    ]
    base = {name: f"v-{name}" for name in names}
    env = environment(
        base, home=Path("/h"), tmp=Path("/t"), extra={"HOME": "/x", "COURSE_RUN": "1"}
    )
    assert env == {
        **base,
        "HOME": "/x",
        "TMPDIR": "/t",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        "PYTHONNOUSERSITE": "1",
        "MPLCONFIGDIR": "/t/matplotlib",
        "COURSE_RUN": "1",
    }


# --- the command line ------------------------------------------------------------------------


def test_command_order(tmp: Path) -> None:
    home, course, work = tmp / "home", tmp / "course", tmp / "work"
    (home / "venv").mkdir(parents=True)
    (course / "solutions").mkdir(parents=True)
    (course / "db.sqlite").write_text("")
    work.mkdir()
    command = bwrap_command(
        ["python", "-c", "pass"],
        workdir=work,
        readable=[home / "venv", course, tmp / "missing", course],
        hidden=[course / "solutions", course / "db.sqlite", tmp / "gone"],
        env={"A": "1", "B": "two words"},
        device="cpu",
        home=home,
    )
    # tmp_path lies in /tmp here; the home inside it is covered after /tmp's binds
    assert tmp.is_relative_to("/tmp")
    assert command == [
        *[str(Path(command[0])), *NAMESPACE_FLAGS],
        *["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"],
        *["--tmpfs", "/tmp", "--ro-bind", str(course), str(course)],
        *["--tmpfs", str(home), "--ro-bind", str(home / "venv"), str(home / "venv")],
        *["--tmpfs", str(course / "solutions")],
        *["--ro-bind", "/dev/null", str(course / "db.sqlite")],
        *["--bind", str(work), str(work), "--chdir", str(work), "--clearenv"],
        *["--setenv", "A", "1", "--setenv", "B", "two words"],
        *["--", "python", "-c", "pass"],
    ]
    assert Path(command[0]).name == "bwrap"


def test_cuda_binds_the_gpu_devices(tmp: Path) -> None:
    def command(device: str) -> list[str]:
        return bwrap_command(
            ["true"], workdir=tmp, readable=[], hidden=[], env={}, device=device, home=tmp
        )

    gpu = [*sorted(str(p) for p in Path("/dev").glob("nvidia*")), "/dev/dri"]
    binds = [arg for p in gpu if os.path.exists(p) for arg in ("--dev-bind", p, p)]
    cpu = command("cpu")
    at = cpu.index("--proc")
    assert command("cuda") == [*cpu[:at], *binds, *cpu[at:]]


def test_a_home_of_root_or_missing_is_not_covered(tmp: Path) -> None:
    for home in (Path("/"), tmp / "missing"):
        command = bwrap_command(
            ["true"], workdir=tmp, readable=[], hidden=[], env={}, device="cpu", home=home
        )
        at = command.index("--proc")
        assert command[at : at + 6] == ["--proc", "/proc", "--tmpfs", "/tmp", "--bind", str(tmp)]


def test_symlinked_readable_path_is_bound_in_both_forms(tmp: Path) -> None:
    home = tmp / "home"
    (home / "real").mkdir(parents=True)
    (home / "link").symlink_to(home / "real")
    command = bwrap_command(
        ["true"], workdir=tmp, readable=[home / "link"], hidden=[], env={}, device="cpu", home=home
    )
    at = command.index(str(home))
    assert command[at + 1 : at + 7] == [
        *["--ro-bind", str(home / "link"), str(home / "link")],
        *["--ro-bind", str(home / "real"), str(home / "real")],
    ]


# --- real bubblewrap runs --------------------------------------------------------------------


@needs_bwrap
def test_hidden_folder_is_empty_and_hidden_file_unreadable(tmp: Path) -> None:
    course = tmp / "course"
    (course / "solutions").mkdir(parents=True)
    (course / "solutions" / "answer.py").write_text("SECRET = 1\n")
    (course / "notes.txt").write_text("notes")
    (course / "db.sqlite").write_text("grades")
    code = (
        "import errno, os, sys\n"
        "course = sys.argv[1]\n"
        "print(os.path.exists(course + '/solutions/answer.py'))\n"
        "print(os.path.isdir(course + '/solutions'), os.listdir(course + '/solutions'))\n"
        "print(open(course + '/notes.txt').read())\n"
        "try:\n"
        "    print(open(course + '/db.sqlite').read())\n"
        "except OSError as e:\n"
        "    print(errno.errorcode[e.errno])\n"
    )
    out = run_inside(
        code,
        str(course),
        workdir=tmp / "work",
        readable=[course],
        hidden=[course / "solutions", course / "db.sqlite"],
    )
    assert out == "False\nTrue []\nnotes\nEACCES\n"
    assert (course / "solutions" / "answer.py").read_text() == "SECRET = 1\n"


@needs_bwrap
def test_only_the_workdir_is_writable(tmp: Path) -> None:
    data = tmp / "data"
    data.mkdir()
    code = (
        "import errno, os, sys\n"
        "for path in ['/z', sys.argv[1] + '/z']:\n"
        "    try:\n"
        "        open(path, 'w')\n"
        "    except OSError as e:\n"
        "        print(errno.errorcode[e.errno])\n"
        "    else:\n"
        "        print('wrote', path)\n"
        "open('out.txt', 'w').write('hi')\n"
        "print(os.listdir('.'))\n"
    )
    out = run_inside(code, str(data), workdir=tmp / "work", readable=[data])
    assert out == "EROFS\nEROFS\n['out.txt']\n"
    assert (tmp / "work" / "out.txt").read_text() == "hi"
    assert list(data.iterdir()) == []
    assert not Path("/z").exists()


@needs_bwrap
def test_tmp_is_private(tmp: Path) -> None:
    marker = uuid.uuid4().hex
    host_file = Path("/tmp") / f"course-sandbox-{marker}"
    host_file.write_text("host")
    try:
        code = (
            "import os, sys\n"
            "print(sorted(os.listdir('/tmp')))\n"
            "print(os.path.exists(sys.argv[1]))\n"
            "open('/tmp/inside-' + sys.argv[2], 'w').write('x')\n"
            "print(os.path.exists('/tmp/inside-' + sys.argv[2]))\n"
        )
        work = tmp / "work"
        out = run_inside(code, str(host_file), marker, workdir=work)
    finally:
        host_file.unlink()
    # only the mount points of what was mounted under /tmp (the workdir, the test's home, the
    # interpreter when it lives there: a clone in /tmp)
    mounted = [work, *PYTHON]
    top = sorted({p.relative_to("/tmp").parts[0] for p in mounted if p.is_relative_to("/tmp")})
    assert out == f"{top}\nFalse\nTrue\n"
    assert not (Path("/tmp") / f"inside-{marker}").exists()


@needs_bwrap
def test_environment_is_exactly_env(tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURSE_DB", str(tmp / "course.db"))
    env = environment(os.environ, home=tmp / "work", tmp=Path("/tmp"), extra={"LC_ALL": "C.UTF-8"})
    assert "COURSE_DB" not in env
    code = "import json, os; print(json.dumps(dict(os.environ), sort_keys=True))"
    out = run_inside(code, workdir=tmp / "work", env=env)
    # bwrap sets PWD after --chdir; nothing else is added
    assert out == json.dumps({**env, "PWD": str(tmp / "work")}, sort_keys=True) + "\n"


@needs_bwrap
def test_no_network(tmp: Path) -> None:
    code = (
        "import socket\n"
        "try:\n"
        "    socket.create_connection(('1.1.1.1', 53), timeout=2)\n"
        "except OSError:\n"
        "    print('no route')\n"
        "else:\n"
        "    print('connected')\n"
        "lines = open('/proc/net/dev').read().splitlines()[2:]\n"
        "print([line.split(':')[0].strip() for line in lines])\n"
    )
    assert run_inside(code, workdir=tmp / "work") == "no route\n['lo']\n"


@needs_bwrap
def test_own_pid_namespace(tmp: Path) -> None:
    code = (
        "import os\n"
        "print(os.getpid())\n"
        "print(sorted(int(n) for n in os.listdir('/proc') if n.isdigit()))\n"
    )
    pid_text, pids_text = run_inside(code, workdir=tmp / "work").splitlines()
    pid = int(pid_text)
    assert pid < 10
    assert pids_text == str([1, pid])  # bwrap's init and the child: no host process
    assert os.getpid() not in (1, pid)


@needs_bwrap
def test_no_capabilities(tmp: Path) -> None:
    code = (
        "for line in open('/proc/self/status'):\n"
        "    if line.startswith(('CapPrm', 'CapEff', 'CapBnd', 'CapAmb')):\n"
        "        print(line.split()[1])\n"
    )
    assert run_inside(code, workdir=tmp / "work") == "0000000000000000\n" * 4


@needs_bwrap
def _eventually(condition: Callable[[], bool], timeout_s: float = 10.0) -> bool:
    """Whether ``condition()`` holds within ``timeout_s`` seconds (polled every 0.05 s)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_escaped_grandchild_dies_with_the_sandbox(tmp: Path) -> None:
    marker = f"course-sandbox-{uuid.uuid4().hex}"
    code = (
        "import subprocess, sys\n"
        "child = subprocess.Popen([sys.executable, '-c', sys.argv[1], sys.argv[2]],\n"
        "                         start_new_session=True, stdout=subprocess.DEVNULL)\n"
        "print('started', flush=True)\n"
        "sys.stdin.readline()\n"
    )
    (tmp / "work").mkdir()
    command = bwrap_command(
        [sys.executable, "-c", code, SLEEP, marker, "parent"],  # not itself :func:`marked`
        workdir=tmp / "work",
        readable=PYTHON,
        hidden=[],
        env={"PATH": os.environ["PATH"]},
        device="cpu",
        home=tmp / "home",
    )
    proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdin is not None
        assert proc.stdout.readline() == "started\n"
        assert _eventually(lambda: len(marked(marker)) == 1)  # seen while the sandbox runs
        proc.stdin.write("\n")
        proc.stdin.close()
        assert proc.wait(timeout=30) == 0
        # the kernel ends the namespace's other processes once its init is gone, not at once
        assert _eventually(lambda: marked(marker) == [])
    finally:
        proc.kill()
        proc.wait()
        for pid in marked(marker):  # pragma: no cover - only when the test failed
            os.kill(pid, 9)


@needs_bwrap
def test_readable_path_under_the_hidden_home(tmp: Path) -> None:
    home = tmp / "home"
    (home / "venv").mkdir(parents=True)
    (home / "venv" / "lib.py").write_text("X = 1\n")
    (home / ".ssh").mkdir()
    (home / ".ssh" / "id_ed25519").write_text("private key")
    code = (
        "import os, sys\n"
        "home = sys.argv[1]\n"
        "print(sorted(os.listdir(home)))\n"
        "print(open(home + '/venv/lib.py').read(), end='')\n"
        "print(os.path.exists(home + '/.ssh/id_ed25519'))\n"
    )
    out = run_inside(code, str(home), workdir=tmp / "work", readable=[home / "venv"], home=home)
    assert out == "['venv']\nX = 1\nFalse\n"


@needs_bwrap
def test_the_real_home_is_hidden_but_python_still_runs(tmp: Path) -> None:
    home = Path.home().resolve()
    readable = [Path(sys.prefix), Path(sys.base_prefix), *map(Path, sys.path)]
    code = "import os, pathlib; print(sorted(os.listdir(pathlib.Path.home())))"
    env = {"PATH": os.environ["PATH"], "HOME": str(home)}
    command = bwrap_command(
        [sys.executable, "-c", code],
        workdir=tmp,
        readable=readable,
        hidden=[],
        env=env,
        device="cpu",
    )
    done = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 0, done.stderr
    tops = set()
    for path in readable:
        for form in (Path(os.path.abspath(path)), path.resolve()):
            if path.exists() and form.is_relative_to(home) and form != home:
                tops.add(form.relative_to(home).parts[0])
    if tmp.is_relative_to(home):  # pragma: no cover - a tmp_path inside the home
        tops.add(tmp.relative_to(home).parts[0])
    assert done.stdout == f"{sorted(tops)}\n"


# --- no sandbox: subreaper and adopted orphans -----------------------------------------------


@needs_linux
def test_children_parses_comm_with_parentheses(tmp: Path) -> None:
    odd = tmp / "x) (y z)"
    odd.symlink_to("/bin/sleep")
    proc = subprocess.Popen([str(odd), "1000"])
    try:
        stat = Path(f"/proc/{proc.pid}/stat").read_text()
        assert stat.startswith(f"{proc.pid} (x) (y z)) ")
        assert proc.pid in children()
    finally:
        proc.kill()
        proc.wait()
    assert proc.pid not in children()


@needs_linux
def test_kill_adopted_ends_escaped_grandchildren_only(tmp: Path) -> None:
    assert become_subreaper() is True
    assert become_subreaper() is True  # cached
    known_marker = f"course-known-{uuid.uuid4().hex}"
    marker = f"course-orphan-{uuid.uuid4().hex}"
    before = children()
    keep = subprocess.Popen([sys.executable, "-c", SLEEP, known_marker])
    try:
        # the child starts a grandchild in a new session, which starts one of its own
        # (writing its pid to a file), then the child exits: both are orphans
        inner = (
            "import subprocess, sys\n"
            "g = subprocess.Popen([sys.executable, '-c', sys.argv[1], sys.argv[2]])\n"
            "open(sys.argv[3] + '.tmp', 'w').write(str(g.pid))\n"
            "__import__('os').rename(sys.argv[3] + '.tmp', sys.argv[3])\n"
            "g.wait()\n"
        )
        code = (
            "import subprocess, sys\n"
            "p = subprocess.Popen([sys.executable, '-c', sys.argv[1], *sys.argv[2:]],\n"
            "                     start_new_session=True, stdout=subprocess.DEVNULL,\n"
            "                     stderr=subprocess.DEVNULL)\n"
            "print(p.pid)\n"
        )
        pid_file = tmp / "grandgrandchild"
        done = subprocess.run(
            [sys.executable, "-c", code, inner, SLEEP, marker, str(pid_file)],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        grandchild = int(done.stdout)
        for _ in range(100):
            if pid_file.exists():
                break
            time.sleep(0.05)
        great = int(pid_file.read_text())
        assert marked(marker) == [great]
        assert children() - before == {keep.pid, grandchild}  # adopted, not given to PID 1
        assert kill_adopted({*before, keep.pid}, settle_s=0.05) == [grandchild, great]
        assert marked(marker) == []
        assert children() - before == {keep.pid}
        assert keep.poll() is None
        assert len(marked(known_marker)) == 1
    finally:
        keep.kill()
        keep.wait()
        for pid in marked(marker):  # pragma: no cover - only when the test failed
            os.kill(pid, 9)


@needs_linux
def test_kill_adopted_with_nothing_to_kill() -> None:
    started = time.perf_counter()
    assert kill_adopted(children(), settle_s=0.05) == []
    assert 0.05 <= time.perf_counter() - started < 1.0  # it looked once more after settle_s
