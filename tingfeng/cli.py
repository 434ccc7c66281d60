"""The `tingfeng` command: thin entrypoints over the services built by bootstrap()."""

from __future__ import annotations

import logging
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(help="听风：政务舆情监测与回应系统", no_args_is_help=True, add_completion=False)
err = Console(stderr=True)
out = Console()


def _setup_logging(level: str = "INFO") -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("jieba", "httpx", "urllib3", "alembic.runtime.migration"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _settings(**overrides):
    from kernel.settings import Settings

    return Settings(**{k: v for k, v in overrides.items() if v is not None})


@app.command()
def run(
    host: Annotated[str | None, typer.Option(help="监听地址")] = None,
    port: Annotated[int | None, typer.Option(help="监听端口")] = None,
    demo: Annotated[bool, typer.Option("--demo/--no-demo", help="数据库为空时载入演示数据")] = True,
) -> None:
    """一体化运行：嵌入式数据库 + 进程内调度 + Web 控制台（http://127.0.0.1:8000）。"""
    import uvicorn

    from api.app import create_app
    from tingfeng.bootstrap import bootstrap
    from tingfeng.demo import load_demo, needs_demo

    settings = _settings(host=host, port=port)
    _setup_logging(settings.log_level)
    application = bootstrap(settings)
    if demo and needs_demo(application):
        err.print("[bold]首次启动：正在载入演示数据…[/bold]")
        load_demo(application, progress=True)
    application.tasks.start()
    err.print(f"[green]听风已启动：http://{settings.host}:{settings.port}[/green]")
    try:
        uvicorn.run(create_app(application), host=settings.host, port=settings.port, log_level="info")
    finally:
        application.close()


@app.command()
def ingest(
    file: Annotated[Path, typer.Argument(help="JSONL 文件（- 表示标准输入）", allow_dash=True)],
    source: Annotated[str, typer.Option(help="来源名称，记入拒收日志")] = "import",
) -> None:
    """导入帖子（JSONL），校验、规范化、去重后入库并分析。"""
    from tingfeng.bootstrap import bootstrap

    _setup_logging("WARNING")
    application = bootstrap(_settings(task_backend="eager"))
    stream = sys.stdin.buffer if str(file) == "-" else _open(file)
    with stream:
        report = application.ingest.ingest_lines(stream, source=source)
    for line_no, reason in report.errors:
        err.print(f"第 {line_no} 行被拒收：{reason}")
    out.print(report.summary())
    application.close()
    raise typer.Exit(1 if report.rejected else 0)


def _open(path: Path):
    try:
        return path.open("rb")
    except OSError as exc:
        err.print(f"[red]无法打开文件 {path}：{exc.strerror}[/red]")
        raise typer.Exit(2) from None


class Precision(StrEnum):
    fp32 = "fp32"
    int8 = "int8"


# shared by `analyze` and `eval`: both score through build_scorer
EventContextOption = Annotated[bool, typer.Option(
    "--event-context/--per-post",
    help="默认把同批帖子按时间、内容归并为事件，讲同一事件的后续帖子按事件等级上调（至多 III 级，"
         "I/II 级由事件及陈述伤亡的帖子承担）；--per-post 只按单帖内容定级")]


@app.command()
def analyze(
    input: Annotated[Path, typer.Argument(help="输入 JSONL（- 表示标准输入）", allow_dash=True)],
    output: Annotated[Path, typer.Option("-o", "--output", help="输出 JSONL（- 表示标准输出）", allow_dash=True)] = Path("-"),
    batch: Annotated[int, typer.Option(help="每批分析的帖子数")] = 256,
    event_context: EventContextOption = True,
    precision: Annotated[Precision | None, typer.Option(
        "--precision", help="模型精度：fp32（默认，与在线服务逐条一致）或 int8（约快一倍，结果为近似，"
                            "适合批量回灌历史数据）；默认取 TINGFENG_MODEL_PRECISION")] = None,
) -> None:
    """按输出契约为每条帖子打分（情感、主题、等级、属地、处置方式、主办部门）。"""
    from tingfeng.analyze_cmd import analyze_stream, build_scorer

    _setup_logging("WARNING")
    scorer = build_scorer(_settings(model_precision=precision.value if precision else None),
                          event_context=event_context)
    src = sys.stdin.buffer if str(input) == "-" else _open(input)
    dst = sys.stdout.buffer if str(output) == "-" else output.open("wb")
    status = err.status("正在分析…") if err.is_terminal else None
    if status:
        status.start()
    try:
        with src:
            stats = analyze_stream(scorer, src, dst, batch=batch,
                                   on_reject=lambda no, why: err.print(f"第 {no} 行被拒收：{why}"),
                                   on_progress=(lambda n: status.update(f"正在分析…已完成 {n} 条")) if status else None)
    finally:
        if status:
            status.stop()
    if dst is not sys.stdout.buffer:
        dst.close()
    mode = f"按所属事件上调 {stats.lifted} 条" if scorer.context is not None else "逐条定级"
    err.print(f"已分析 {stats.scored} 条，拒收 {stats.rejected} 条，{mode}（分析器：{scorer.analyzer.name}）")
    raise typer.Exit(1 if stats.rejected else 0)


@app.command("eval")
def eval_(
    file: Annotated[Path, typer.Argument(help="带标注的 JSONL（{post, labels}）")],
    show_misses: Annotated[bool, typer.Option("--misses", help="列出判错的帖子")] = False,
    confusion: Annotated[bool, typer.Option("--confusion", help="另列等级混淆表（行=标注，列=判定）")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出指标")] = False,
    event_context: EventContextOption = True,
) -> None:
    """在带标注的数据上评估分析质量，打印指标表。"""
    from analysis.metrics import evaluate
    from tingfeng.analyze_cmd import analyze_stream, build_scorer

    _setup_logging("WARNING")
    scorer = build_scorer(_settings(), event_context=event_context)
    labels, ids = [], []
    for no, line in enumerate(_open(file), start=1):
        if not line.strip():
            continue
        try:
            obj = orjson.loads(line)
            labels.append(obj["labels"])
            ids.append(obj["post"]["id"])
        except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
            err.print(f"[red]第 {no} 行不是带标注的帖子：{exc}[/red]")
            raise typer.Exit(2) from None
    import io

    buf = io.BytesIO()
    with _open(file) as src:
        stats = analyze_stream(scorer, src, buf)
    if stats.rejected:
        err.print(f"[red]有 {stats.rejected} 条帖子不合法，无法评估[/red]")
        raise typer.Exit(2)
    preds = [orjson.loads(x) for x in buf.getvalue().splitlines()]
    res = evaluate(labels, preds, ids)
    if as_json:
        hidden = {"misses"} | (set() if confusion else {"severity_confusion"})
        out.print_json(data={k: v for k, v in res.__dict__.items() if k not in hidden}
                       | {"analyzer": scorer.analyzer.name, "event_context": scorer.context is not None,
                          "lifted_by_event": stats.lifted})
        return
    mode = f"按事件定级，上调 {stats.lifted} 条" if scorer.context is not None else "逐条定级"
    table = Table(title=f"评估结果（{res.n} 条，分析器：{scorer.analyzer.name}，{mode}）")
    table.add_column("指标")
    table.add_column("metric")
    table.add_column("数值", justify="right")
    for row in res.rows():
        table.add_row(*row)
    out.print(table)
    if confusion:
        grades = ("I", "II", "III", "IV")
        cm = Table(title="等级混淆（行=标注，列=判定）")
        cm.add_column("标注＼判定")
        for g in grades:
            cm.add_column(g, justify="right")
        for g in grades:
            row = res.severity_confusion.get(g)
            if row:
                cm.add_row(g, *(str(row.get(q, 0)) for q in grades))
        out.print(cm)
    if show_misses:
        for m in res.misses:
            out.print(m["id"], m["wrong"])


@app.command()
def demo(
    reset: Annotated[bool, typer.Option(help="先清空数据库再载入")] = False,
    corpus: Annotated[Path | None, typer.Option(help="演示语料路径")] = None,
) -> None:
    """载入并回放演示语料（时间平移到当前，时限倒计时随之开始）。"""
    from tingfeng.bootstrap import bootstrap
    from tingfeng.demo import load_demo, reset_database

    _setup_logging("WARNING")
    settings = _settings(task_backend="eager")
    if reset:
        reset_database(settings)
    application = bootstrap(settings)
    report = load_demo(application, corpus=corpus, progress=True)
    out.print(report.summary())
    application.close()


@app.command()
def migrate() -> None:
    """把数据库结构升级到最新版本。"""
    from storage.engine import make_engine
    from storage.engine import migrate as do_migrate

    _setup_logging()
    do_migrate(make_engine(_settings().database_url))


user_app = typer.Typer(help="登录用户（TINGFENG_USERS_FILE）：添加、修改、列出", no_args_is_help=True)
app.add_typer(user_app, name="user")


def _users_path(file: Path | None, settings) -> Path:  # noqa: ANN001
    path = file or settings.users_file
    if path is None:
        err.print("[red]没有用户文件：请设置 TINGFENG_USERS_FILE 或用 --file 指定（.yaml/.yml 或 .json）[/red]")
        raise typer.Exit(2)
    return Path(path)


@user_app.command("set")
def user_set(
    username: Annotated[str, typer.Argument(help="登录用户名")],
    role: Annotated[str, typer.Option(help="角色：analyst（分析研判）、leader（领导）、department（部门）、admin（管理员）")],
    name: Annotated[str | None, typer.Option("--name", help="显示姓名（记入审计日志）")] = None,
    department: Annotated[str | None, typer.Option(help="部门代码（角色为 department 时必填，如 yj）")] = None,
    file: Annotated[Path | None, typer.Option(help="用户文件（默认 TINGFENG_USERS_FILE）")] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="从标准输入读取一行作为密码")] = False,
) -> None:
    """添加用户或修改已有用户（密码以加盐 PBKDF2-SHA256 哈希保存，不保存明文）。"""
    from kernel.auth import ADMIN, MIN_PASSWORD_LENGTH, User, check_user, hash_password, save_user
    from kernel.config import load_reference
    from kernel.domain.routing import township_unit
    from kernel.errors import TingfengError

    settings = _settings()
    path = _users_path(file, settings)
    try:
        if username == ADMIN:
            raise TingfengError("admin 是内置管理员，密码由 TINGFENG_ADMIN_PASSWORD 设置，不能写入用户文件")
        ref = load_reference(settings.spec_dir)
        units = set(ref.county.departments) | {township_unit(t) for t in ref.county.townships}
        check_user(username, role, department, units)
    except TingfengError as exc:
        err.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(2) from None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("密码", hide_input=True, confirmation_prompt="再次输入密码")
    if len(password) < MIN_PASSWORD_LENGTH:
        err.print(f"[red]密码太短：至少 {MIN_PASSWORD_LENGTH} 个字符[/red]")
        raise typer.Exit(2)
    existed = save_user(path, User(username, name or username, role, department, hash_password(password)))
    out.print(f"{'已更新' if existed else '已添加'}用户 {username}（{role}{'，部门 ' + department if department else ''}）：{path}")


@user_app.command("list")
def user_list(file: Annotated[Path | None, typer.Option(help="用户文件（默认 TINGFENG_USERS_FILE）")] = None) -> None:
    """列出用户文件中的用户（不显示密码哈希）。"""
    from kernel.auth import ROLES, load_users
    from kernel.errors import TingfengError

    path = _users_path(file, _settings())
    try:
        users = load_users(path)
    except TingfengError as exc:
        err.print(f"[red]{exc.message}[/red]")
        raise typer.Exit(2) from None
    table = Table("用户名", "姓名", "角色", "部门")
    table.add_row("admin", ROLES["admin"], "admin（内置）", "")
    for u in users.values():
        table.add_row(u.username, u.display_name, u.role, u.department or "")
    out.print(table)


def _register_plugins() -> None:
    try:
        from tingfeng.crawl_cli import register
    except ImportError:
        return
    register(app)


_register_plugins()

if __name__ == "__main__":
    app()
