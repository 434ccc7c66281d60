"""Ingestion on real SQLite and PostgreSQL: bad input is refused clearly, nothing accepted is lost."""

import json

from sqlalchemy import func, select

from storage.tables import PostRow, RejectRow


def line(i, **kw):
    rec = {"id": f"w{i}", "platform": "weibo", "text": f"第{i}条：南河镇新区第{i}栋楼道灯坏了好几天，物业一直不修",
           "published_at": f"2026-11-20T{8 + i % 10:02d}:00:00+08:00"}
    rec.update(kw)
    return json.dumps(rec, ensure_ascii=False)


def count(app, model):
    with app.store_factory() as st:
        return st.session.execute(select(func.count()).select_from(model)).scalar()


def test_bad_lines_are_rejected_with_line_numbers_and_the_run_goes_on(app):
    lines = [
        line(1),
        "{not json",
        json.dumps({"id": "x", "platform": "weibo", "published_at": "2026-11-20T08:00:00+08:00"}),
        line(2, platform="douyin"),
        line(3, text=["数组"]),
        "x" * 1_200_000,
        "",
        line(4),
    ]
    rep = app.ingest.ingest_lines(lines, source="test")
    assert rep.accepted == 2
    assert rep.rejected == 5
    assert [n for n, _ in rep.errors] == [2, 3, 4, 5, 6]
    reasons = dict(rep.errors)
    assert "不是合法的 JSON" in reasons[2]
    assert "缺少必填字段 text" in reasons[3]
    assert "未知平台" in reasons[4]
    assert "行过长" in reasons[6]
    assert count(app, PostRow) == 2
    assert count(app, RejectRow) == 5


def test_same_platform_and_id_is_not_stored_twice(app):
    app.ingest.ingest_lines([line(1), line(2)], source="a")
    rep = app.ingest.ingest_lines([line(1), line(2, text="改过的内容也不会覆盖已收的帖子"), line(3)], source="b")
    assert (rep.accepted, rep.duplicates) == (1, 2)
    assert count(app, PostRow) == 3


def test_copies_are_stored_once_as_voices_and_linked(app):
    original = line(1, text="白沙河上游的采砂船又回来了，河道被挖得乱七八糟，晚上轰隆隆吵得人睡不着觉")
    same = line(2, text="@云岭发布 白沙河上游的采砂船又回来了，河道被挖得乱七八糟，晚上轰隆隆吵得人睡不着觉")
    near = line(3, text="白沙河上游的采砂船又回来了，河道被挖得乱七八糟，晚上轰隆隆吵得人睡不着觉！！扩散")
    rep = app.ingest.ingest_lines([original, same, near], source="t")
    assert rep.accepted == 1 and rep.copies == 2
    with app.store_factory() as st:
        rows = st.session.execute(select(PostRow).order_by(PostRow.id)).scalars().all()
        assert rows[1].duplicate_of == rows[0].id and rows[2].duplicate_of == rows[0].id


def test_a_failure_late_in_a_file_keeps_what_came_before(app):
    lines = [line(i) for i in range(1, 451)] + ["[1,2,"] + [line(i) for i in range(451, 460)]
    rep = app.ingest.ingest_lines(lines, source="big")
    assert rep.accepted + rep.copies == 459 and rep.rejected == 1  # templated lines: some are near-copies
    assert count(app, PostRow) == 459


def test_traditional_text_is_kept_as_received_and_simplified_for_analysis(app):
    rep = app.ingest.ingest_lines([line(1, text="青松鎮農貿市場的攤販說收費太貴了")], source="t")
    with app.store_factory() as st:
        rec = st.get_posts(rep.accepted_pks)[0]
    assert rec.post.text == "青松鎮農貿市場的攤販說收費太貴了"
    assert rec.normalized == "青松镇农贸市场的摊贩说收费太贵了"


def test_full_text_search_finds_chinese_words(sqlite_app):
    sqlite_app.ingest.ingest_lines([line(1, text="城关镇新华路的下水道堵塞，污水横流"),
                                    line(2, text="北岭小学新建了图书室")], source="t")
    hits = sqlite_app.search.search("下水道")
    assert len(hits) == 1
    assert sqlite_app.search.search("图书室") != hits
