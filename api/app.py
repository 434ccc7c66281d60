"""The HTTP API and the console's static files."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from api import auth, queries
from api.deps import AppDep
from api.schemas import (
    ActorIn,
    AlertOut,
    AuditOut,
    CloseIn,
    DepartmentOut,
    DetachIn,
    ErrorOut,
    EventDetailOut,
    FulfilIn,
    GradeIn,
    IngestIn,
    IngestOut,
    PageOut,
    PostOut,
)
from kernel.errors import NotFound, TingfengError
from tingfeng.bootstrap import App

log = logging.getLogger(__name__)
CONSOLE_DIR = Path(__file__).resolve().parent.parent / "console" / "static"
ERRORS = {401: {"model": ErrorOut}, 403: {"model": ErrorOut}, 404: {"model": ErrorOut},
          409: {"model": ErrorOut}, 422: {"model": ErrorOut}}


def create_app(tf: App) -> FastAPI:
    api = FastAPI(title="听风 tingfeng API", version="0.1.0", description="政务舆情监测与回应系统接口")
    api.state.tingfeng = tf
    api.state.rejected_requests = 0
    auth.install(api, tf, auth.build_authenticator(tf, _unit_codes(tf)))

    @api.exception_handler(TingfengError)
    async def domain_error(_: Request, exc: TingfengError) -> JSONResponse:
        return JSONResponse({"code": exc.code, "message": exc.message}, status_code=exc.http_status)

    @api.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        request.app.state.rejected_requests += 1
        parts = []
        for e in exc.errors()[:5]:
            loc = ".".join(str(x) for x in e.get("loc", ()) if x != "body")
            parts.append(f"{loc or '请求体'}：{e.get('msg', '不合法')}")
        log.info("拒绝非法请求 %s %s：%s", request.method, request.url.path, "；".join(parts))
        return JSONResponse({"code": "invalid_request", "message": "请求参数不合法：" + "；".join(parts)},
                            status_code=422)

    @api.get("/api/health", operation_id="health")
    def health(app: AppDep) -> dict:
        return {"status": "ok", "analyzer": app.analyzer.name, "database": app.engine.dialect.name,
                "tasks": app.settings.task_backend, "county": app.reference.county.name}

    @api.get("/api/stats", operation_id="getStats")
    def get_stats(app: AppDep) -> dict:
        with app.store_factory() as st:
            return queries.stats(st.session, app.reference, app.clock())

    @api.get("/api/config", operation_id="getConfig")
    def get_config(app: AppDep) -> dict:
        ref = app.reference
        return {
            "county": ref.county.name,
            "topics": {c: t.name for c, t in ref.taxonomy.topics.items()},
            "severities": ref.taxonomy.severities,
            "dispositions": ref.taxonomy.dispositions,
            "townships": list(ref.county.townships),
            "departments": {c: d.name for c, d in ref.county.departments.items()},
        }

    @api.get("/api/posts", response_model=PageOut, operation_id="listPosts")
    def list_posts(app: AppDep, q: str | None = None, event_id: int | None = None, severity: str | None = None,
                   topic: str | None = None, township: str | None = None, sentiment: str | None = None,
                   platform: str | None = None, limit: Annotated[int, Query(ge=1, le=500)] = 50,
                   offset: Annotated[int, Query(ge=0)] = 0) -> dict:
        ids = None
        if q:
            ids = app.search.search(q, limit=2000)
        with app.store_factory() as st:
            total, items = queries.list_posts(st.session, ids=ids, event_id=event_id, severity=severity,
                                              topic=topic, township=township, sentiment=sentiment,
                                              platform=platform, limit=limit, offset=offset)
        return {"total": total, "items": items}

    @api.get("/api/posts/{post_id}", response_model=PostOut, responses=ERRORS, operation_id="getPost")
    def get_post(app: AppDep, post_id: int) -> dict:
        with app.store_factory() as st:
            _, items = queries.list_posts(st.session, ids=[post_id], limit=1)
        if not items:
            raise NotFound(f"帖子 {post_id} 不存在")
        return items[0]

    @api.get("/api/posts/{post_id}/explain", responses=ERRORS, operation_id="explainPost")
    def explain_post(app: AppDep, post_id: int) -> dict:
        """Why the post was scored as it was: the stored explanation (rules, figures, model
        probabilities, routing) and, when the model runs, which sentences and words carried
        its labels (computed on request)."""
        with app.store_factory() as st:
            [rec] = st.get_posts([post_id]) or [None]
        if rec is None:
            raise NotFound(f"帖子 {post_id} 不存在")
        stored = rec.score.explanation if rec.score is not None else {}
        explain = getattr(app.analyzer, "explain", None)
        model = explain(rec) if callable(explain) else None
        return {
            "post_id": post_id,
            "analyzer": app.analyzer.name,
            "explanation": stored,
            "model": model,
            "note": None if model is not None else "当前使用规则分析器：判断依据见命中的词语、数字与规则",
        }

    @api.post("/api/posts", response_model=IngestOut, responses=ERRORS, operation_id="ingestPosts")
    def ingest_posts(app: AppDep, request: Request, body: IngestIn) -> dict:
        auth.require_ingest(request)
        rep = app.ingest.ingest_records(enumerate(body.posts), source=body.source)
        return {"read": rep.read, "accepted": rep.accepted, "duplicates": rep.duplicates, "copies": rep.copies,
                "rejected": rep.rejected,
                "errors": [{"index": i, "reason": r} for i, r in rep.errors]}

    @api.get("/api/events", response_model=PageOut, operation_id="listEvents")
    def list_events(app: AppDep, status: str | None = None, severity: str | None = None, topic: str | None = None,
                    township: str | None = None, sort: str = "heat",
                    limit: Annotated[int, Query(ge=1, le=500)] = 50,
                    offset: Annotated[int, Query(ge=0)] = 0) -> dict:
        with app.store_factory() as st:
            total, items = queries.list_events(st.session, app.reference, status=status, severity=severity,
                                               topic=topic, township=township, sort=sort, limit=limit,
                                               offset=offset)
        return {"total": total, "items": items}

    def _event_out(app: App, event_id: int) -> dict:
        from storage.tables import EventRow

        with app.store_factory() as st:
            row = st.session.get(EventRow, event_id)
            if row is None:
                raise NotFound(f"事件 {event_id} 不存在")
            ev = queries.event_dict(st.session, row, app.reference, {})
            _, posts = queries.list_posts(st.session, event_id=event_id, limit=500)
            _, alerts = queries.list_alerts(st.session, app.clock(), event_id=event_id)
            links = queries.event_links(st.session, event_id)
        for p in posts:
            p["event_link"] = links.get(p["id"])
        posts.sort(key=lambda p: p["published_at"])
        return ev | {"posts": posts, "alerts": alerts, "series": queries.event_series(posts)}

    @api.get("/api/events/{event_id}", response_model=EventDetailOut, responses=ERRORS, operation_id="getEvent")
    def get_event(app: AppDep, event_id: int) -> dict:
        return _event_out(app, event_id)

    @api.post("/api/events/{event_id}/grade", response_model=EventDetailOut, responses=ERRORS,
              operation_id="gradeEvent")
    def grade_event(app: AppDep, request: Request, event_id: int, body: GradeIn) -> dict:
        """人工定级（会商研判后）：升为 I/II 级即开启或升级预警，5 小时、24 小时时限自此时起算；
        降级须说明理由，不再适用的未完成时限被撤销（留痕）。此后自动分析不会推翻人工等级，
        只有之后新采集的帖子能再提高等级。"""
        actor = auth.actor_of(request, body.actor)
        auth.require_grade(request)
        app.alerts.grade_event(event_id, body.grade, body.reason, actor)
        return _event_out(app, event_id)

    @api.post("/api/posts/{post_id}/detach", response_model=EventDetailOut, responses=ERRORS,
              operation_id="detachPost")
    def detach_post(app: AppDep, request: Request, post_id: int, body: DetachIn) -> dict:
        """移出事件（研判发现归并有误）：帖子及其在同一事件中的转载另成一个事件，两个事件重新计算；
        新事件按其等级开启预警，时限自帖子发现时起算。原事件已在办的预警不会自动降级或撤销时限，
        如需调整请人工定级。返回新事件。"""
        actor = auth.actor_of(request, body.actor)
        auth.require_grade(request, "移出事件")
        _, new_pk = app.pipeline.detach_post(post_id, body.reason, actor)
        return _event_out(app, new_pk)

    @api.get("/api/alerts", response_model=PageOut, operation_id="listAlerts")
    def list_alerts(app: AppDep, status: str | None = None, department: str | None = None,
                    limit: Annotated[int, Query(ge=1, le=500)] = 100,
                    offset: Annotated[int, Query(ge=0)] = 0) -> dict:
        if department and department not in _unit_codes(app):
            raise NotFound(f"未知部门：{department}", code="unknown_department")
        with app.store_factory() as st:
            total, items = queries.list_alerts(st.session, app.clock(), status=status, department=department,
                                               limit=limit, offset=offset)
        return {"total": total, "items": items}

    def _alert_out(app: App, alert_id: int) -> dict:
        from storage.tables import AlertRow

        with app.store_factory() as st:
            row = st.session.get(AlertRow, alert_id)
            if row is None:
                raise NotFound(f"预警 {alert_id} 不存在")
            return queries.alert_dict(st.session, row, app.clock(), {})

    def _may_act(app: App, request: Request, alert_id: int, body_actor: str | None) -> str:
        """The actor to record, once the user may act on the alert (its lead department's)."""
        from storage.tables import AlertRow

        actor = auth.actor_of(request, body_actor)
        with app.store_factory() as st:
            row = st.session.get(AlertRow, alert_id)
            if row is None:
                raise NotFound(f"预警 {alert_id} 不存在")
            lead = row.department
        auth.require_alert_action(request, app, lead)
        return actor

    @api.get("/api/alerts/{alert_id}", response_model=AlertOut, responses=ERRORS, operation_id="getAlert")
    def get_alert(app: AppDep, alert_id: int) -> dict:
        return _alert_out(app, alert_id)

    @api.post("/api/alerts/{alert_id}/acknowledge", response_model=AlertOut, responses=ERRORS,
              operation_id="acknowledgeAlert")
    def acknowledge(app: AppDep, request: Request, alert_id: int, body: ActorIn) -> dict:
        actor = _may_act(app, request, alert_id, body.actor)
        app.alerts.acknowledge(alert_id, actor)
        return _alert_out(app, alert_id)

    @api.post("/api/alerts/{alert_id}/fulfil", response_model=AlertOut, responses=ERRORS,
              operation_id="fulfilObligation")
    def fulfil(app: AppDep, request: Request, alert_id: int, body: FulfilIn) -> dict:
        actor = _may_act(app, request, alert_id, body.actor)
        app.alerts.fulfil(alert_id, body.kind, actor, body.evidence_url, body.note)
        return _alert_out(app, alert_id)

    @api.post("/api/alerts/{alert_id}/close", response_model=AlertOut, responses=ERRORS, operation_id="closeAlert")
    def close(app: AppDep, request: Request, alert_id: int, body: CloseIn) -> dict:
        actor = _may_act(app, request, alert_id, body.actor)
        app.alerts.close(alert_id, actor, body.note)
        return _alert_out(app, alert_id)

    @api.get("/api/departments", response_model=list[DepartmentOut], operation_id="listDepartments")
    def list_departments(app: AppDep) -> list[dict]:
        with app.store_factory() as st:
            return queries.departments(st.session, app.clock())

    @api.get("/api/audit", response_model=list[AuditOut], operation_id="listAudit")
    def list_audit(app: AppDep, entity: str | None = None, entity_id: str | None = None,
                   limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> list[dict]:
        with app.store_factory() as st:
            return queries.audit(st.session, entity, entity_id, limit)

    @api.get("/api/rejects", operation_id="listRejects")
    def list_rejects(app: AppDep, limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[dict]:
        with app.store_factory() as st:
            return queries.rejects(st.session, limit)

    @api.get("/api/sources", operation_id="listSources")
    def list_sources(app: AppDep) -> list[dict]:
        try:
            from crawlers.state import source_status
        except ImportError:  # crawler extra not installed: the plain table view
            with app.store_factory() as st:
                return queries.sources(st.session)
        return source_status(app.engine)

    @api.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(CONSOLE_DIR / "index.html")

    api.mount("/static", StaticFiles(directory=CONSOLE_DIR), name="static")
    return api


def _unit_codes(app: App) -> set[str]:
    from kernel.domain.routing import township_unit

    return set(app.reference.county.departments) | {township_unit(t) for t in app.reference.county.townships}

